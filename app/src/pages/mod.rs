//! One module per screen.

pub mod capture;
pub mod edit;
pub mod lead_form;
pub mod leads;
pub mod login;
