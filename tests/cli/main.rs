//! The one integration-test binary (a single binary keeps builds fast).
