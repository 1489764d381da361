//! Building blocks shared by the pages.

pub mod card_photo;
pub mod delete_button;
pub mod fields;
pub mod header;
pub mod scan;
pub mod storage_panel;
pub mod sync_bar;
pub mod toast;
