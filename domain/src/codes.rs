//! Enums that travel as stable snake_case codes (`"food_beverage"`, `"sichuan"`): the same code
//! names a value in forms, storage, the sync protocol and translation keys (`industry.<code>`).
//!
//! Their serde goes through one shared function instead of a derived visitor per enum, which keeps
//! the tablet's WebAssembly small.

use std::borrow::Cow;

use serde::de::Error as _;
use serde::{Deserialize, Deserializer};

/// Reads a code and looks it up with `from_code`; an unknown code is an error naming the type.
pub fn deserialize_code<'de, D: Deserializer<'de>, T>(
    deserializer: D,
    what: &'static str,
    from_code: fn(&str) -> Option<T>,
) -> Result<T, D::Error> {
    let code = <Cow<'de, str>>::deserialize(deserializer)?;
    from_code(&code).ok_or_else(|| D::Error::custom(format!("unknown {what} code: {code}")))
}

/// Declares a fieldless enum with a code per variant: `ALL`, `code()`, `from_code()` and serde.
macro_rules! code_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $code:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum $name { $($variant),+ }

        impl $name {
            /// Every value, in the order pick-lists show them.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// Stable code, used in forms, storage, the sync protocol and translation keys.
            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            /// The value with this code.
            pub fn from_code(code: &str) -> Option<Self> {
                match code { $($code => Some($name::$variant),)+ _ => None }
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.code())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                $crate::codes::deserialize_code(deserializer, stringify!($name), $name::from_code)
            }
        }
    };
}

pub(crate) use code_enum;
