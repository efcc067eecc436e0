#!/usr/bin/env python3
"""A throwaway stand-in for the aws-cli-oidc CLI contract, used only to check
the end-to-end scenarios themselves (not shipped, not a reference design):

    AWS_CLI_OIDC_E2E_BIN=$PWD/tests/peers/contract_standin.py cargo test --test cli e2e_

Covers get-cred (exports / -j), login --profile, install-profile, --no-browser,
-r, login_timeout_seconds, client_secret_post/basic and SAML token exchange,
with the least code that satisfies the scenarios. Standard library only.
"""
import base64, hashlib, http.server, json, os, re, secrets, subprocess, sys, time, urllib.parse, urllib.request, urllib.error
def die(msg, code=1):
    print("error: " + msg, file=sys.stderr); sys.exit(code)
args = sys.argv[1:]
if not args: die("usage", 2)
cmd, rest = args[0], args[1:]
opts = {"j": False, "nb": False}
i = 0
while i < len(rest):
    a = rest[i]
    if a == "-p": opts["p"] = rest[i+1]; i += 2
    elif a == "-r": opts["r"] = rest[i+1]; i += 2
    elif a == "--profile": opts["profile"] = rest[i+1]; i += 2
    elif a == "-d": opts["d"] = rest[i+1]; i += 2
    elif a == "-j": opts["j"] = True; i += 1
    elif a == "--no-browser": opts["nb"] = True; i += 1
    else: die("unknown flag " + a, 2)
cfgpath = os.path.join(os.environ["AWS_CLI_OIDC_CONFIG"], "config.yaml")
cfg, cur = {}, None
for n, line in enumerate(open(cfgpath), 1):
    if not line.strip(): continue
    if not line.startswith(" "):
        cur = line.strip().rstrip(":"); cfg[cur] = {}
    else:
        k, _, v = line.strip().partition(": ")
        if v.startswith("[") and not v.endswith("]"): die(f"{cfgpath}:{n}: bad yaml")
        cfg[cur][k] = v
p = opts.get("p")
if p not in cfg: die(f"provider {p!r} not in {cfgpath}; configured: {', '.join(cfg)}")
c = cfg[p]
exe = os.path.abspath(sys.argv[0])
if cmd == "install-profile":
    with open(os.environ["AWS_CONFIG_FILE"], "a") as f:
        f.write(f"[profile {opts['profile']}]\ncredential_process = {exe} get-cred -p {p} -r {opts['r']} -j\n")
    sys.exit(0)
meta = json.load(urllib.request.urlopen(c["oidc_provider_metadata_url"]))
import socket
srv = socket.socket(); srv.bind(("127.0.0.1", 0)); srv.listen(5)
redirect = f"http://127.0.0.1:{srv.getsockname()[1]}"
state = secrets.token_urlsafe(16); ver = secrets.token_urlsafe(32)
ch = base64.urlsafe_b64encode(hashlib.sha256(ver.encode()).digest()).rstrip(b"=").decode()
url = meta["authorization_endpoint"] + "?" + urllib.parse.urlencode(dict(client_id=c["client_id"], response_type="code", scope="openid", redirect_uri=redirect, state=state, code_challenge=ch, code_challenge_method="S256"))
if opts["nb"]: print(url, file=sys.stderr)
else: subprocess.Popen([os.environ["BROWSER"], url])
timeout = int(c.get("login_timeout_seconds", "300")); deadline = time.time() + timeout
q = None
while time.time() < deadline:
    srv.settimeout(max(0.1, deadline - time.time()))
    try: conn, _ = srv.accept()
    except socket.timeout: break
    req = conn.recv(65536).decode(); path = req.split(" ")[1]
    qq = dict(urllib.parse.parse_qsl(urllib.parse.urlparse(path).query))
    if qq.get("state") != state:
        conn.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"); conn.close(); continue
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"); conn.close(); q = qq; break
if q is None: die(f"no callback at {redirect} within {timeout} s")
if "error" in q: die(f"provider said {q['error']}: {q.get('error_description')}")
def post(u, d, hdr={}):
    r = urllib.request.Request(u, urllib.parse.urlencode(d).encode(), hdr)
    try: return json.load(urllib.request.urlopen(r))
    except urllib.error.HTTPError as e: die(f"{u}: {e.code} {e.read().decode()}")
form = dict(grant_type="authorization_code", code=q["code"], redirect_uri=redirect, code_verifier=ver)
hdr = {}
if c.get("client_auth_method") == "client_secret_basic":
    hdr["Authorization"] = "Basic " + base64.b64encode(f"{c['client_id']}:{c['client_secret']}".encode()).decode()
else:
    form["client_id"] = c["client_id"]
    if "client_secret" in c: form["client_secret"] = c["client_secret"]
tok = post(meta["token_endpoint"], form, hdr)
sts = os.environ["AWS_ENDPOINT_URL_STS"] + "/"
if c["aws_federation_type"] == "oidc":
    role = opts.get("r") or c["default_iam_role_arn"]
    d = dict(Action="AssumeRoleWithWebIdentity", Version="2011-06-15", RoleArn=role, RoleSessionName="x", WebIdentityToken=tok["id_token"])
else:
    stt = c["oidc_provider_token_exchange_subject_token_type"]
    st = tok["id_token"] if stt.endswith("id_token") else tok["access_token"]
    x = post(meta["token_endpoint"], dict(grant_type="urn:ietf:params:oauth:grant-type:token-exchange", client_id=c["client_id"], subject_token=st, subject_token_type=stt, requested_token_type="urn:ietf:params:oauth:token-type:saml2", audience=c.get("oidc_provider_token_exchange_audience", "")))
    xml = base64.urlsafe_b64decode(x["access_token"] + "===").decode()
    pairs = []
    for v in re.findall(r'Name="https://aws.amazon.com/SAML/Attributes/Role".*?</saml:Attribute>', xml)[0].split("<saml:AttributeValue")[1:]:
        val = v.split(">", 1)[1].split("<", 1)[0]
        a, b = val.split(","); pairs.append((a, b) if ":role/" in a else (b, a))
    if opts.get("r"): pairs = [pr for pr in pairs if pr[0] == opts["r"]]
    if len(pairs) != 1: die("several roles, choose with -r: " + ", ".join(pr[0] for pr in pairs))
    role = pairs[0][0]
    resp = '<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol">' + xml + "</samlp:Response>"
    d = dict(Action="AssumeRoleWithSAML", Version="2011-06-15", RoleArn=role, PrincipalArn=pairs[0][1], SAMLAssertion=base64.b64encode(resp.encode()).decode())
if "d" in opts: d["DurationSeconds"] = opts["d"]
try: body = urllib.request.urlopen(sts, urllib.parse.urlencode(d).encode()).read().decode()
except urllib.error.HTTPError as e: die(f"sts refused {role}: {e.read().decode()}")
g = lambda t: re.search(f"<{t}>(.*?)</{t}>", body).group(1)
if cmd == "login":
    with open(os.environ["AWS_SHARED_CREDENTIALS_FILE"], "a") as f:
        f.write(f"[{opts['profile']}]\naws_access_key_id = {g('AccessKeyId')}\naws_secret_access_key = {g('SecretAccessKey')}\naws_session_token = {g('SessionToken')}\n")
elif opts["j"]:
    print(json.dumps(dict(Version=1, AccessKeyId=g("AccessKeyId"), SecretAccessKey=g("SecretAccessKey"), SessionToken=g("SessionToken"), Expiration=g("Expiration").replace(".000", "")), separators=(",", ":")))
else:
    for k, t in [("AWS_ACCESS_KEY_ID", "AccessKeyId"), ("AWS_SECRET_ACCESS_KEY", "SecretAccessKey"), ("AWS_SESSION_TOKEN", "SessionToken")]:
        print(f"export {k}='{g(t)}'")
