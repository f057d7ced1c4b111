//! Reading internally tagged enums (`#[serde(tag = "…")]`) without serde's buffering.
//!
//! serde's derived `Deserialize` for an internally tagged enum first reads the whole object
//! into a private buffer (`Content`), because the tag may come after the fields, and then reads
//! the variant from that buffer. Every type inside the enum gets its deserialisation code a
//! second time, for the buffer: in the app's wasm that duplicate was tens of kilobytes.
//!
//! The tagged enums of this crate therefore keep their derived `Serialize` (the JSON is
//! unchanged) but deserialise with `#[serde(try_from = "…Wire")]` from a flat private struct:
//! the tag, as a field-less enum, and the fields of every variant, each optional. The
//! conversion takes the fields the tag needs; like serde, it ignores the others.

/// A field the object's tag requires is missing or null.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("missing field `{0}`")]
pub struct MissingField(pub &'static str);

/// The value of a field the tag requires.
pub(crate) fn required<T>(value: Option<T>, field: &'static str) -> Result<T, MissingField> {
    value.ok_or(MissingField(field))
}
