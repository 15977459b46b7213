//! `taskgate`: mint, inspect and verify TaskGate tokens by hand.
//!
//! Secrets and settings come from the environment (`BETTER_AUTH_SECRETS`,
//! `BETTER_AUTH_SECRET`, `JWT_ISSUER`, `JWT_AUDIENCE`, `JWT_LEEWAY_SECONDS`,
//! `BETTER_AUTH_SESSION_CACHE`, `BETTER_AUTH_SESSION_CACHE_VERSION`, `BETTER_AUTH_COOKIE_PREFIX`)
//! or, for what the environment lacks, from `.dev.vars` (or `--env-file FILE`), the file
//! `wrangler dev` reads.

mod config;
mod contract;

use std::io::{Read, Write};
use std::process::ExitCode;

use base64::Engine as _;
use serde_json::{Map, Value, json};
use taskgate_verify::host::cookie::{DEFAULT_COOKIE_PREFIX, session_cache_cookie};
use taskgate_verify::host::settings::BETTER_AUTH_COOKIE_PREFIX;
use taskgate_verify::session_cache::SessionCache;
use taskgate_verify::{Service, Verifier, inspect, now, sign_claims, sign_service};

const USAGE: &str = "\
usage:
  taskgate mint <user-id> [--email EMAIL] [--ttl SECONDS] [--iss ISSUER] [--aud AUDIENCE] [--env-file FILE]
      print a token for <user-id>, signed with the current key
  taskgate sign-admin [--env-file FILE]
      print an admin token (a minute's life), the bearer of the Worker's POST /admin/moves
      (docs/scale.md), signed with the current key
  taskgate verify [TOKEN] [--env-file FILE]
      verify TOKEN (or standard input); print its claims, or the error code and exit 1
  taskgate verify-cookie [VALUE] [--strategy compact|jwt|jwe] [--version V] [--env-file FILE]
      verify Better Auth's session cookie cache: VALUE (or standard input) is the cookie's value
      or a whole Cookie header (its better-auth.session_data cookie, chunks joined); the strategy
      is --strategy, else BETTER_AUTH_SESSION_CACHE; print the session's claims (its key
      redacted), or the error code and exit 1
  taskgate verify-batch --now SECONDS [--env-file FILE]
      read JSON-string tokens, one per line, from standard input; print one JSON line each:
      {ok: true, sub} or {ok: false, code, claim} (for differential tests)
  taskgate inspect [TOKEN]
      decode TOKEN (or standard input) without a key and list what verification would refuse
  taskgate secret
      print a new random 32-byte secret (base64url), for BETTER_AUTH_SECRET
  taskgate contract [--format json|js|dts|md] [--check FILE] [--write FILE]
      the error codes, claims, limits and settings, for other languages and docs/contract.md;
      --write FILE replaces the generated part of FILE, --check FILE fails if it is stale";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(code) => code,
        Err(msg) => {
            eprintln!("taskgate: {msg}\n\n{USAGE}");
            ExitCode::from(2)
        }
    }
}

/// Positional arguments, and `--name value` options.
type Args<'a> = (Vec<&'a str>, Vec<(&'a str, &'a str)>);

/// Splits `--name value` options from positional arguments.
fn parse(args: &[String]) -> Result<Args<'_>, String> {
    let (mut positional, mut options) = (Vec::new(), Vec::new());
    let mut it = args.iter();
    while let Some(a) = it.next() {
        if let Some(name) = a.strip_prefix("--") {
            let value = it.next().ok_or(format!("--{name} needs a value"))?;
            options.push((name, value.as_str()));
        } else {
            positional.push(a.as_str());
        }
    }
    Ok((positional, options))
}

fn option<'a>(options: &[(&str, &'a str)], name: &str) -> Option<&'a str> {
    options.iter().rev().find(|(n, _)| *n == name).map(|(_, v)| *v)
}

fn token_arg(positional: &[&str]) -> Result<String, String> {
    match positional.get(1) {
        Some(t) => Ok((*t).to_owned()),
        None => {
            let mut s = String::new();
            std::io::stdin().read_to_string(&mut s).map_err(|e| e.to_string())?;
            Ok(s.trim().to_owned())
        }
    }
}

fn run(args: &[String]) -> Result<ExitCode, String> {
    let (positional, options) = parse(args)?;
    let explicit = option(&options, "env-file");
    let cfg = || config::Config::load(explicit.unwrap_or(".dev.vars"), explicit.is_some());
    match positional.first().copied() {
        Some("mint") => {
            let user = positional.get(1).ok_or("mint needs a user id")?;
            let cfg = cfg()?;
            let keys = cfg.keys()?;
            let mut claims = Map::new();
            claims.insert("sub".into(), json!(user));
            if let Some(email) = option(&options, "email") {
                claims.insert("email".into(), json!(email));
            }
            let configured = cfg.options()?;
            if let Some(iss) = option(&options, "iss").or(configured.issuer.as_deref()) {
                claims.insert("iss".into(), json!(iss));
            }
            if let Some(aud) = option(&options, "aud").or(configured.audience.as_deref()) {
                claims.insert("aud".into(), json!(aud));
            }
            let ttl = option(&options, "ttl")
                .map(|t| t.parse::<u64>().map_err(|_| format!("--ttl: not a number of seconds: {t}")))
                .transpose()?;
            println!("{}", sign_claims(&keys, &claims, now(), ttl));
            Ok(ExitCode::SUCCESS)
        }
        Some("sign-admin") => {
            println!("{}", sign_service(&cfg()?.keys()?, Service::Admin, now()));
            Ok(ExitCode::SUCCESS)
        }
        Some("verify") => {
            let token = token_arg(&positional)?;
            let cfg = cfg()?;
            let verifier = Verifier::new(cfg.keys()?, cfg.options()?).map_err(|e| e.to_string())?;
            let result = verifier.verify_now(&token);
            let kid = result.as_ref().ok().map(|c| json!(c.kid()));
            Ok(print_verdict(result, ("kid", kid.unwrap_or(Value::Null))))
        }
        Some("verify-cookie") => {
            let text = token_arg(&positional)?;
            let cfg = cfg()?;
            let mut settings = cfg.options()?;
            settings.session_cache = match option(&options, "strategy") {
                Some(s) => SessionCache::parse(&s.trim().to_ascii_lowercase())
                    .ok_or(format!("--strategy: compact, jwt or jwe, not {s}"))?,
                None if settings.accept_session_cache => settings.session_cache,
                None => {
                    return Err("verify-cookie needs the strategy: --strategy compact|jwt|jwe, or \
                                BETTER_AUTH_SESSION_CACHE in the environment or the env file"
                        .into());
                }
            };
            settings.accept_session_cache = true;
            if let Some(v) = option(&options, "version") {
                settings.session_cache_version = Some(v.trim()).filter(|v| !v.is_empty()).map(str::to_owned);
            }
            // Hidden, for tests: the cookie cache lives minutes (maxAge), recorded cookies longer.
            let now = option(&options, "now")
                .map(|n| n.parse::<u64>().map_err(|_| format!("--now: not a number: {n}")))
                .transpose()?
                .unwrap_or_else(now);
            let prefix = cfg.var(BETTER_AUTH_COOKIE_PREFIX).map(|p| p.trim().to_owned()).filter(|p| !p.is_empty());
            let prefix = prefix.as_deref().unwrap_or(DEFAULT_COOKIE_PREFIX);
            let value = session_cookie_value(&text, prefix);
            let strategy = settings.session_cache.as_str();
            let verifier = Verifier::new(cfg.keys()?, settings).map_err(|e| e.to_string())?;
            let result = verifier.verify_session_cache(&value, now, |t| verifier.verify(t, now));
            Ok(print_verdict(result, ("strategy", json!(strategy))))
        }
        Some("verify-batch") => {
            let cfg = cfg()?;
            let verifier = Verifier::new(cfg.keys()?, cfg.options()?).map_err(|e| e.to_string())?;
            let now = option(&options, "now")
                .map(|n| n.parse::<u64>().map_err(|_| format!("--now: not a number: {n}")))
                .transpose()?
                .unwrap_or_else(now);
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            for line in std::io::stdin().lines() {
                let line = line.map_err(|e| e.to_string())?;
                let token: String = serde_json::from_str(&line).map_err(|e| format!("not a JSON string: {e}"))?;
                let result = match verifier.verify(&token, now) {
                    Ok(c) => json!({ "ok": true, "sub": c.sub() }),
                    Err(e) => json!({ "ok": false, "code": e.code().as_str(), "claim": e.claim_name() }),
                };
                writeln!(out, "{result}").map_err(|e| e.to_string())?;
            }
            Ok(ExitCode::SUCCESS)
        }
        Some("inspect") => {
            let token = token_arg(&positional)?;
            let options = cfg().and_then(|c| c.options()).unwrap_or_default();
            let i = inspect(&token, &options, now());
            let parse = |s: &Option<String>| {
                s.as_deref().map(|s| serde_json::from_str::<Value>(s).unwrap_or_else(|_| json!(s)))
            };
            let problems: Vec<Value> = i
                .problems
                .iter()
                .map(|e| json!({ "code": e.code().as_str(), "claim": e.claim_name(), "detail": e.to_string() }))
                .collect();
            let out = json!({ "segments": i.segments, "header": parse(&i.header), "payload": parse(&i.payload), "problems": problems, "signature_checked": false });
            println!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
            Ok(if i.problems.is_empty() { ExitCode::SUCCESS } else { ExitCode::FAILURE })
        }
        Some("secret") => {
            let mut bytes = [0u8; 32];
            std::fs::File::open("/dev/urandom")
                .and_then(|mut f| f.read_exact(&mut bytes))
                .map_err(|e| format!("cannot read /dev/urandom: {e}"))?;
            println!("{}", base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes));
            Ok(ExitCode::SUCCESS)
        }
        Some("contract") => {
            let text = match option(&options, "format").unwrap_or("json") {
                "json" => serde_json::to_string_pretty(&contract::json()).unwrap_or_default() + "\n",
                "js" => contract::js(),
                "dts" => contract::dts(),
                "md" => contract::md(),
                other => return Err(format!("--format: json, js, dts or md, not {other}")),
            };
            match (option(&options, "write"), option(&options, "check")) {
                (None, None) => print!("{text}"),
                (Some(file), _) => std::fs::write(file, splice(file, &text)?).map_err(|e| format!("{file}: {e}"))?,
                (None, Some(file)) => {
                    if splice(file, &text)? != std::fs::read_to_string(file).unwrap_or_default() {
                        eprintln!("taskgate: {file} is stale: run `make contract`");
                        return Ok(ExitCode::FAILURE);
                    }
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Some(other) => Err(format!("unknown command: {other}")),
        None => Err("no command".into()),
    }
}

/// The session cache cookie's value in `text`: `text` itself, or, when it is a `Cookie` header
/// (`name=value` pairs, maybe after `Cookie:`), its `{prefix}.session_data` cookie (also
/// `__Secure-`, chunks joined), else nothing (then `missing_token`). A bare value has no `;`
/// and no `=` but base64 padding.
/// Prints the verdict of `verify` and `verify-cookie` as JSON: `{valid, user_id, <extra>, claims}`
/// (the claims as the crate hands them out: `session.token` redacted), or `{valid: false, code,
/// claim, detail}`; the exit code says which.
fn print_verdict(result: taskgate_verify::Result<taskgate_verify::Claims>, (name, extra): (&str, Value)) -> ExitCode {
    let (out, code) = match result {
        Ok(claims) => {
            let payload: Value = serde_json::from_str(claims.payload_json()).unwrap_or(Value::Null);
            (json!({ "valid": true, "user_id": claims.sub(), name: extra, "claims": payload }), ExitCode::SUCCESS)
        }
        Err(e) => (
            json!({ "valid": false, "code": e.code().as_str(), "claim": e.claim_name(), "detail": e.to_string() }),
            ExitCode::FAILURE,
        ),
    };
    println!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
    code
}

fn session_cookie_value(text: &str, prefix: &str) -> String {
    let text = text.trim();
    let header = match text.get(..7) {
        Some(name) if name.eq_ignore_ascii_case("cookie:") => text[7..].trim(),
        _ => text,
    };
    if header.contains(';') || header.trim_end_matches('=').contains('=') {
        session_cache_cookie(header, prefix).unwrap_or_else(|| {
            eprintln!("taskgate: no {prefix}.session_data cookie in the Cookie header");
            String::new()
        })
    } else {
        header.to_owned()
    }
}

/// `file` with its generated part (between the markers of `docs/contract.md`) replaced by
/// `text`; a file without markers is replaced whole.
fn splice(file: &str, text: &str) -> Result<String, String> {
    let current = std::fs::read_to_string(file).unwrap_or_default();
    match (current.find(contract::MD_BEGIN), current.find(contract::MD_END)) {
        (Some(a), Some(b)) if a < b => {
            Ok(format!("{}{}{}", &current[..a], text.trim_end(), &current[b + contract::MD_END.len()..]))
        }
        _ if text.starts_with(contract::MD_BEGIN) && !current.is_empty() => {
            Err(format!("{file} has no generated part (markers {} ... {})", contract::MD_BEGIN, contract::MD_END))
        }
        _ => Ok(text.to_owned()),
    }
}
