//! The domain of Zhaoshang Field: plain types and validation rules shared, unchanged, by the
//! tablet (compiled to WebAssembly) and the server.
//!
//! Nothing here knows about Leptos, axum or a database. Every rule about what makes a lead valid
//! lives in this crate exactly once: the capture form and the server both call [`LeadDraft::parse`]
//! (directly, or through [`Lead::validate`]).

mod codes;
pub mod contact;
pub mod correction;
pub mod credit_code;
pub mod csv;
pub mod device;
pub mod duplicates;
pub mod error;
pub mod event;
pub mod followup;
pub mod industry;
pub mod lead;
pub mod money;
pub mod origin;
pub mod photo;
pub mod pipeline;
pub mod report;
pub mod review;
pub mod scan;
pub mod sync;
pub mod text;
pub mod time;

pub use error::{FieldError, FieldErrorKind, LeadField};
pub use industry::{IndustryChain, IndustrySegment};
pub use lead::{Consent, EnterpriseTier, Erasure, Intent, Lead, LeadDraft, LeadId, LeadMeta, Withdrawal, CONSENT_TEXT_VERSION, PERSONAL};
pub use money::{MoneyUnit, Wan};
pub use origin::{Origin, OriginClass, OriginKind, Province, COUNTRIES};
pub use pipeline::{Pipeline, PipelineStage, Signing, StageChange, StageError, StageForm, StageFormError, Supervision};
