//! Form logic as plain structs: what the inspector typed in, parsed into domain values with one
//! error per field. Components only bind inputs to these fields and show the errors.

pub mod site_form;
