//! The one integration-test binary (a single binary keeps builds fast).

mod completion;
mod man_pages;
