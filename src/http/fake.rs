//! The one in-process [`HttpClient`] for unit tests of every layer (OIDC,
//! STS, console, retries): answers from a queue or a function, and records
//! what was sent. An empty queue answers a transport error, so a test that
//! expects no request can check `sent`.

use std::cell::RefCell;
use std::collections::VecDeque;

use crate::http::{Error as HttpError, HttpClient, Request, Response};

type Responder = Box<dyn Fn(&Request) -> Response>;

pub(crate) struct FakeHttp {
    answers: RefCell<VecDeque<Result<Response, HttpError>>>,
    responder: Option<Responder>,
    pub(crate) sent: RefCell<Vec<Request>>,
}

impl FakeHttp {
    pub(crate) fn new(answers: Vec<Result<Response, HttpError>>) -> Self {
        FakeHttp {
            answers: RefCell::new(answers.into()),
            responder: None,
            sent: RefCell::new(Vec::new()),
        }
    }

    /// A fake that answers every request with `f(request)`.
    pub(crate) fn with(f: impl Fn(&Request) -> Response + 'static) -> Self {
        FakeHttp {
            responder: Some(Box::new(f)),
            ..Self::new(vec![])
        }
    }

    /// A fake that answers once with `status` and a JSON `body`.
    pub(crate) fn json(status: u16, body: &str) -> Self {
        Self::new(vec![Ok(response(status, Some("application/json"), body))])
    }

    /// A fake that answers once with `status`, `content_type` and raw `body`.
    pub(crate) fn bytes(status: u16, content_type: &str, body: Vec<u8>) -> Self {
        Self::new(vec![Ok(Response {
            status,
            content_type: Some(content_type.to_string()),
            retry_after: None,
            body,
        })])
    }

    /// How many requests were sent.
    pub(crate) fn count(&self) -> usize {
        self.sent.borrow().len()
    }

    /// The form pairs of the `i`-th request sent.
    pub(crate) fn form(&self, i: usize) -> Vec<(String, String)> {
        let sent = self.sent.borrow();
        let body = sent.get(i).and_then(|r| r.body.clone()).unwrap_or_default();
        form_urlencoded::parse(&body).into_owned().collect()
    }

    /// The value of header `name` in the `i`-th request sent.
    pub(crate) fn header(&self, i: usize, name: &str) -> Option<String> {
        let sent = self.sent.borrow();
        sent.get(i)?
            .headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.clone())
    }
}

pub(crate) fn response(status: u16, content_type: Option<&str>, body: &str) -> Response {
    Response {
        status,
        content_type: content_type.map(str::to_string),
        retry_after: None,
        body: body.as_bytes().to_vec(),
    }
}

impl HttpClient for FakeHttp {
    fn send(&self, req: &Request) -> Result<Response, HttpError> {
        self.sent.borrow_mut().push(req.clone());
        if let Some(f) = &self.responder {
            return Ok(f(req));
        }
        self.answers.borrow_mut().pop_front().unwrap_or_else(|| {
            Err(HttpError::Transport {
                url: req.url.clone(),
                message: "fake: no answer queued".into(),
                delivery: crate::http::Delivery::NotSent,
            })
        })
    }
}
