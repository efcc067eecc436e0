//! The AWS shared config and credentials files: a format-preserving document
//! (no I/O) and a safe store (lock, atomic replace).
