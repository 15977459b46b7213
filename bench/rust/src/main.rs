//! taskgate-bench-native: HS256 verification of one ~400-byte token by taskgate-verify,
//! jsonwebtoken and jwt-simple, against a floor of HMAC-SHA256 alone; with `--asymmetric FILE`
//! instead, EdDSA, ES256 and RS256 tokens by taskgate-verify and jsonwebtoken against the
//! RustCrypto signature check alone; with `--session-cache`, Better Auth's session cookie cache
//! in each strategy (`compact`, `jwt`, `jwe`) next to an HS256 token of the same length.
//!
//! Prints a table to stderr and one JSON document to stdout. See README.md.

mod asymmetric;
mod cases;
mod counting;
mod session_cache;

use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

use serde::Serialize;

#[global_allocator]
static ALLOCATOR: counting::Counting = counting::Counting;

const USAGE: &str =
    "usage: taskgate-bench-native [--smoke] [--rounds R] [--iterations N] [--asymmetric FILE | --session-cache]";
/// Default rounds; each library is timed once per round, libraries interleaved.
const DEFAULT_ROUNDS: usize = 15;
/// Default verifications per library per round: ~20 ms for taskgate-verify here (6 ms for the
/// floor, 85 ms for jwt-simple).
const DEFAULT_ITERATIONS: u64 = 20_000;
/// Default verifications per library per round with `--asymmetric`: ~8 ms for EdDSA here, ~13 ms
/// for RS256 (~40 ms with jsonwebtoken), ~50 ms for ES256.
const DEFAULT_ASYMMETRIC_ITERATIONS: u64 = 200;
/// Default verifications per case per round with `--session-cache`: ~10 ms for a `compact` cookie
/// here, ~20 ms for a `jwe` one.
const DEFAULT_SESSION_CACHE_ITERATIONS: u64 = 5_000;

/// What to run.
#[derive(Debug, PartialEq)]
struct Config {
    rounds: usize,
    iterations: u64,
    /// `--asymmetric FILE`: the asymmetric part, on the tokens of FILE, instead of HS256.
    asymmetric: Option<String>,
    /// `--session-cache`: the session cookie cache part instead of HS256.
    session_cache: bool,
}

/// Parses `--smoke` (1 round of 10), `--rounds R` and `--iterations N` (both at least 1), and
/// `--asymmetric FILE` (then N defaults to [`DEFAULT_ASYMMETRIC_ITERATIONS`]) or `--session-cache`
/// (then [`DEFAULT_SESSION_CACHE_ITERATIONS`]).
fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Config, String> {
    let (mut rounds, mut iterations, mut smoke, mut asymmetric) = (None, None, false, None);
    let mut session_cache = false;
    while let Some(arg) = args.next() {
        let mut value = |flag: &str| args.next().ok_or(format!("{flag} needs a value"));
        let count = |flag: &str, value: String| -> Result<u64, String> {
            value.parse().ok().filter(|&n| n > 0).ok_or(format!("{flag}: not a positive integer: {value:?}"))
        };
        match arg.as_str() {
            "--smoke" => smoke = true,
            "--rounds" => rounds = Some(count("--rounds", value("--rounds")?)? as usize),
            "--iterations" => iterations = Some(count("--iterations", value("--iterations")?)?),
            "--asymmetric" => asymmetric = Some(value("--asymmetric")?),
            "--session-cache" => session_cache = true,
            "-h" | "--help" => return Err(USAGE.into()),
            _ => return Err(format!("unknown argument {arg:?}\n{USAGE}")),
        }
    }
    if session_cache && asymmetric.is_some() {
        return Err(format!("--asymmetric and --session-cache are two runs\n{USAGE}"));
    }
    let default_iterations = match (&asymmetric, session_cache) {
        (Some(_), _) => DEFAULT_ASYMMETRIC_ITERATIONS,
        (None, true) => DEFAULT_SESSION_CACHE_ITERATIONS,
        (None, false) => DEFAULT_ITERATIONS,
    };
    Ok(if smoke {
        Config { rounds: 1, iterations: 10, asymmetric, session_cache }
    } else {
        Config {
            rounds: rounds.unwrap_or(DEFAULT_ROUNDS),
            iterations: iterations.unwrap_or(default_iterations),
            asymmetric,
            session_cache,
        }
    })
}

/// One library's results.
struct Row {
    name: &'static str,
    version: &'static str,
    /// Nanoseconds per verification, one sample per round, sorted.
    ns: Vec<f64>,
    allocs: usize,
    alloc_bytes: usize,
}

impl Row {
    fn median(&self) -> f64 {
        let (n, ns) = (self.ns.len(), &self.ns);
        if n % 2 == 1 { ns[n / 2] } else { (ns[n / 2 - 1] + ns[n / 2]) / 2.0 }
    }
    fn min(&self) -> f64 {
        self.ns[0]
    }
    fn max(&self) -> f64 {
        self.ns[self.ns.len() - 1]
    }
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("taskgate-bench-native: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    let config = parse_args(std::env::args().skip(1))?;
    let now = SystemTime::now().duration_since(UNIX_EPOCH).map_err(|e| e.to_string())?.as_secs();
    if let Some(path) = &config.asymmetric {
        return run_asymmetric(&config, path, now);
    }
    if config.session_cache {
        return run_session_cache(&config);
    }
    let token = cases::token(now)?;
    let cases = cases::all(&token, now)?;
    let rows = measure(&cases, &config)?;
    eprint!("{}", table(&rows, &config, token.len()));
    println!("{}", json(&rows, &config, token.len()));
    Ok(())
}

/// Checks every case, then times them: a warm-up, then R rounds of N verifications, the cases
/// interleaved within each round; then the allocations of one verification.
fn measure(cases: &[cases::Case<'_>], config: &Config) -> Result<Vec<Row>, String> {
    // Every library must accept the token before anything is measured.
    for case in cases {
        (case.check)().map_err(|e| format!("{} did not verify the token: {e}", case.name))?;
    }

    // Warm-up, then R rounds, the libraries interleaved within each round.
    for case in cases {
        (case.run)(config.iterations.div_ceil(10));
    }
    let mut samples = vec![Vec::with_capacity(config.rounds); cases.len()];
    for _ in 0..config.rounds {
        for (case, ns) in cases.iter().zip(&mut samples) {
            let elapsed = (case.run)(config.iterations);
            ns.push(elapsed.as_nanos() as f64 / config.iterations as f64);
        }
    }

    // Allocations of one verification, after a warm-up call.
    Ok(cases
        .iter()
        .zip(samples)
        .map(|(case, mut ns)| {
            (case.run)(1);
            let (allocs, alloc_bytes) = counting::measure(|| {
                (case.run)(1);
            });
            ns.sort_by(f64::total_cmp);
            Row { name: case.name, version: case.version, ns, allocs, alloc_bytes }
        })
        .collect())
}

/// The asymmetric part: the tokens of `path` (`bench/asym-tokens.mjs`), every algorithm's cases
/// interleaved in one set of rounds.
fn run_asymmetric(config: &Config, path: &str, now: u64) -> Result<(), String> {
    let input = asymmetric::Input::read(path)?;
    if now < input.now || now >= input.now + 3600 {
        return Err(format!(
            "{path}: the tokens were issued at {} and are not valid now ({now}): write them again",
            input.now
        ));
    }
    let all = asymmetric::all(&input, now)?;
    let (meta, cases): (Vec<_>, Vec<_>) = all.into_iter().map(|c| ((c.alg, c.token_bytes), c.case)).unzip();
    let rows = measure(&cases, config)?;
    let rows: Vec<(&str, usize, Row)> =
        meta.into_iter().zip(rows).map(|((alg, bytes), row)| (alg, bytes, row)).collect();
    eprint!("{}", asymmetric_table(&rows, config));
    println!("{}", asymmetric_json(&rows, config));
    Ok(())
}

/// The session cookie cache part: per strategy, the vector cookie and the HS256 token of its
/// length, every case interleaved in one set of rounds.
fn run_session_cache(config: &Config) -> Result<(), String> {
    let all = session_cache::all()?;
    let (meta, cases): (Vec<_>, Vec<_>) = all.into_iter().map(|c| ((c.strategy, c.token_bytes), c.case)).unzip();
    let rows = measure(&cases, config)?;
    let rows: Vec<(&str, usize, Row)> =
        meta.into_iter().zip(rows).map(|((strategy, bytes), row)| (strategy, bytes, row)).collect();
    eprint!("{}", session_cache_table(&rows, config));
    println!("{}", session_cache_json(&rows, config));
    Ok(())
}

/// The session cookie cache table: per strategy, ns per verification of the cookie and of the
/// HS256 token of its length, and the cookie's cost as a multiple of the token's.
fn session_cache_table(rows: &[(&str, usize, Row)], config: &Config) -> String {
    let mut out = format!(
        "Session cookie cache (Better Auth's cookies, verified at their madeAt) vs an HS256 token of the same length, {} rounds x {} iterations (ns per verify; median, min, max over rounds)\n",
        config.rounds, config.iterations
    );
    out += &format!(
        "{:<8} {:<42} {:>6} {:>9} {:>9} {:>9} {:>10} {:>7} {:>7}\n",
        "strategy", "case", "bytes", "median", "min", "max", "vs token", "allocs", "bytes"
    );
    for (strategy, _) in session_cache::STRATEGIES {
        let group: Vec<&(&str, usize, Row)> = rows.iter().filter(|r| r.0 == strategy).collect();
        let Some(token) = group.last() else { continue };
        let token = token.2.median();
        for (_, length, row) in &group {
            out += &format!(
                "{:<8} {:<42} {:>6} {:>9.0} {:>9.0} {:>9.0} {:>9.2}x {:>7} {:>7}\n",
                strategy,
                row.name,
                length,
                row.median(),
                row.min(),
                row.max(),
                row.median() / token,
                row.allocs,
                row.alloc_bytes
            );
        }
    }
    out
}

/// The human-readable report: ns per verification, ratios to taskgate-verify, allocations.
fn table(rows: &[Row], config: &Config, token_bytes: usize) -> String {
    let taskgate = rows[0].median();
    let floor = rows[rows.len() - 1].median();
    let mut out = format!(
        "HS256 verify, {token_bytes}-byte token, {} rounds x {} iterations (ns per verify; median, min, max over rounds)\n",
        config.rounds, config.iterations
    );
    out += &format!(
        "{:<26} {:<10} {:>9} {:>9} {:>9} {:>12} {:>7} {:>8}\n",
        "library", "version", "median", "min", "max", "vs taskgate", "allocs", "bytes"
    );
    for row in rows {
        out += &format!(
            "{:<26} {:<10} {:>9.1} {:>9.1} {:>9.1} {:>11.2}x {:>7} {:>8}\n",
            row.name,
            row.version,
            row.median(),
            row.min(),
            row.max(),
            row.median() / taskgate,
            row.allocs,
            row.alloc_bytes
        );
    }
    out += &format!("taskgate-verify / floor: {:.2}x\n", taskgate / floor);
    out
}

/// The machine-readable report, one line, keys in this order.
#[derive(Serialize)]
struct Report<'a> {
    suite: &'static str,
    token_bytes: usize,
    rounds: usize,
    iterations: u64,
    rows: Vec<JsonRow<'a>>,
}

/// One library in [`Report`]; nanoseconds rounded to 0.1.
#[derive(Serialize)]
struct JsonRow<'a> {
    name: &'a str,
    version: &'a str,
    median_ns: f64,
    min_ns: f64,
    max_ns: f64,
    allocs: usize,
    alloc_bytes: usize,
}

fn json_row(row: &Row) -> JsonRow<'_> {
    let round = |ns: f64| (ns * 10.0).round() / 10.0;
    JsonRow {
        name: row.name,
        version: row.version,
        median_ns: round(row.median()),
        min_ns: round(row.min()),
        max_ns: round(row.max()),
        allocs: row.allocs,
        alloc_bytes: row.alloc_bytes,
    }
}

fn json(rows: &[Row], config: &Config, token_bytes: usize) -> String {
    let rows = rows.iter().map(json_row).collect();
    let report = Report { suite: "native", token_bytes, rounds: config.rounds, iterations: config.iterations, rows };
    serde_json::to_string(&report).expect("a report always serializes")
}

/// The asymmetric table: per algorithm, ns per verification and ratios to taskgate-verify and
/// to the floor (the RustCrypto signature check alone).
fn asymmetric_table(rows: &[(&str, usize, Row)], config: &Config) -> String {
    let sizes: Vec<String> = asymmetric::ALGORITHMS
        .iter()
        .filter_map(|alg| rows.iter().find(|r| r.0 == *alg).map(|r| format!("{alg} {} bytes", r.1)))
        .collect();
    let mut out = format!(
        "Asymmetric verify, Better Auth jwt() tokens ({}), {} rounds x {} iterations (ns per verify; median, min, max over rounds)\n",
        sizes.join(", "),
        config.rounds,
        config.iterations
    );
    out += &format!(
        "{:<6} {:<36} {:<8} {:>10} {:>10} {:>10} {:>12} {:>9} {:>7} {:>7}\n",
        "alg", "library", "version", "median", "min", "max", "vs taskgate", "vs floor", "allocs", "bytes"
    );
    for alg in asymmetric::ALGORITHMS {
        let group: Vec<&(&str, usize, Row)> = rows.iter().filter(|r| r.0 == alg).collect();
        let (Some(first), Some(last)) = (group.first(), group.last()) else { continue };
        let (taskgate, floor) = (first.2.median(), last.2.median());
        for (_, _, row) in &group {
            out += &format!(
                "{:<6} {:<36} {:<8} {:>10.0} {:>10.0} {:>10.0} {:>11.2}x {:>8.2}x {:>7} {:>7}\n",
                alg,
                row.name,
                row.version,
                row.median(),
                row.min(),
                row.max(),
                row.median() / taskgate,
                row.median() / floor,
                row.allocs,
                row.alloc_bytes
            );
        }
    }
    out
}

/// The asymmetric report, one line: `{"suite":"native-asymmetric","rounds","iterations","rows":[
/// {"alg","token_bytes","name","version","median_ns","min_ns","max_ns","allocs","alloc_bytes"}]}`.
#[derive(Serialize)]
struct AsymmetricReport<'a> {
    suite: &'static str,
    rounds: usize,
    iterations: u64,
    rows: Vec<AsymmetricRow<'a>>,
}

/// One library for one algorithm in [`AsymmetricReport`]; nanoseconds rounded to 0.1.
#[derive(Serialize)]
struct AsymmetricRow<'a> {
    alg: &'a str,
    token_bytes: usize,
    #[serde(flatten)]
    row: JsonRow<'a>,
}

fn asymmetric_json(rows: &[(&str, usize, Row)], config: &Config) -> String {
    let rows = rows
        .iter()
        .map(|(alg, token_bytes, row)| AsymmetricRow { alg, token_bytes: *token_bytes, row: json_row(row) })
        .collect();
    let report =
        AsymmetricReport { suite: "native-asymmetric", rounds: config.rounds, iterations: config.iterations, rows };
    serde_json::to_string(&report).expect("a report always serializes")
}

/// The session cookie cache report, one line: `{"suite":"native-session-cache","rounds","iterations",
/// "rows":[{"strategy","token_bytes","name","version","median_ns","min_ns","max_ns","allocs","alloc_bytes"}]}`.
#[derive(Serialize)]
struct SessionCacheReport<'a> {
    suite: &'static str,
    rounds: usize,
    iterations: u64,
    rows: Vec<SessionCacheRow<'a>>,
}

/// One case for one strategy in [`SessionCacheReport`]; nanoseconds rounded to 0.1.
#[derive(Serialize)]
struct SessionCacheRow<'a> {
    strategy: &'a str,
    token_bytes: usize,
    #[serde(flatten)]
    row: JsonRow<'a>,
}

fn session_cache_json(rows: &[(&str, usize, Row)], config: &Config) -> String {
    let rows = rows
        .iter()
        .map(|(strategy, token_bytes, row)| SessionCacheRow { strategy, token_bytes: *token_bytes, row: json_row(row) })
        .collect();
    let report = SessionCacheReport {
        suite: "native-session-cache",
        rounds: config.rounds,
        iterations: config.iterations,
        rows,
    };
    serde_json::to_string(&report).expect("a report always serializes")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Config, String> {
        parse_args(args.iter().map(|s| s.to_string()))
    }

    #[test]
    fn flags() {
        let config = |rounds, iterations, asymmetric: Option<&str>| Config {
            rounds,
            iterations,
            asymmetric: asymmetric.map(Into::into),
            session_cache: false,
        };
        assert_eq!(parse(&[]), Ok(config(DEFAULT_ROUNDS, DEFAULT_ITERATIONS, None)));
        assert_eq!(parse(&["--smoke"]), Ok(config(1, 10, None)));
        assert_eq!(parse(&["--rounds", "3", "--iterations", "7"]), Ok(config(3, 7, None)));
        assert_eq!(
            parse(&["--asymmetric", "a.json"]),
            Ok(config(DEFAULT_ROUNDS, DEFAULT_ASYMMETRIC_ITERATIONS, Some("a.json")))
        );
        assert_eq!(parse(&["--asymmetric", "a.json", "--smoke"]), Ok(config(1, 10, Some("a.json"))));
        assert_eq!(
            parse(&["--iterations", "9", "--asymmetric", "a.json"]),
            Ok(config(DEFAULT_ROUNDS, 9, Some("a.json")))
        );
        assert!(parse(&["--rounds", "0"]).is_err());
        assert!(parse(&["--rounds"]).is_err());
        assert!(parse(&["--asymmetric"]).is_err());
        assert!(parse(&["--fast"]).is_err());
        let session_cache = |rounds, iterations| Config { session_cache: true, ..config(rounds, iterations, None) };
        assert_eq!(parse(&["--session-cache"]), Ok(session_cache(DEFAULT_ROUNDS, DEFAULT_SESSION_CACHE_ITERATIONS)));
        assert_eq!(parse(&["--smoke", "--session-cache"]), Ok(session_cache(1, 10)));
        assert!(parse(&["--session-cache", "--asymmetric", "a.json"]).is_err());
    }

    /// Every session cache case accepts its cookie (or token) and refuses it with a changed
    /// character; each HS256 token is as long as its cookie, within 3 bytes.
    #[test]
    fn every_session_cache_case_verifies_its_cookie() {
        let cases = session_cache::all().unwrap();
        assert_eq!(cases.len(), 2 * session_cache::STRATEGIES.len());
        for pair in cases.chunks(2) {
            let (cookie, token) = (&pair[0], &pair[1]);
            assert_eq!(cookie.strategy, token.strategy);
            assert!((cookie.token_bytes..=cookie.token_bytes + 3).contains(&token.token_bytes), "{}", cookie.strategy);
        }
        for c in &cases {
            (c.case.check)().unwrap_or_else(|e| panic!("{} {}: {e}", c.strategy, c.case.name));
        }
    }

    /// The hardcoded versions are the ones Cargo.lock resolved.
    #[test]
    fn versions_match_cargo_lock() {
        let lock = include_str!("../Cargo.lock");
        for (name, version) in [
            ("taskgate-verify", cases::TASKGATE_VERSION),
            ("jsonwebtoken", cases::JSONWEBTOKEN_VERSION),
            ("jwt-simple", cases::JWT_SIMPLE_VERSION),
            ("hmac", "0.13.0"),
            ("ed25519-dalek", asymmetric::ED25519_DALEK_VERSION),
            ("p256", asymmetric::P256_VERSION),
            ("rsa", asymmetric::RSA_VERSION),
        ] {
            let entry = format!("name = \"{name}\"\nversion = \"{version}\"\n");
            assert!(lock.contains(&entry), "Cargo.lock does not pin {name} {version}");
        }
    }

    #[test]
    fn every_case_verifies_the_token() {
        let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs(); // two libraries read the clock
        let token = cases::token(now).unwrap();
        assert!((400..=450).contains(&token.len()), "{}", token.len());
        for case in cases::all(&token, now).unwrap() {
            (case.check)().unwrap_or_else(|e| panic!("{}: {e}", case.name));
        }
    }

    /// With tokens from `bench/asym-tokens.mjs` (needs `node` on PATH), every asymmetric case
    /// accepts its token and refuses it with a changed signature.
    #[test]
    fn every_asymmetric_case_verifies_its_token() {
        let dir = std::env::temp_dir().join(format!("taskgate-bench-asym-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("asym-tokens.json");
        let output = match std::process::Command::new("node")
            .arg("../asym-tokens.mjs")
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .output()
        {
            Ok(output) => output,
            Err(e) => return eprintln!("skipped: cannot run node: {e}"),
        };
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        std::fs::write(&path, &output.stdout).unwrap();
        let input = asymmetric::Input::read(path.to_str().unwrap()).unwrap();
        let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs();
        let cases = asymmetric::all(&input, now).unwrap();
        assert_eq!(cases.len(), 3 * asymmetric::ALGORITHMS.len());
        for c in cases {
            (c.case.check)().unwrap_or_else(|e| panic!("{} {}: {e}", c.alg, c.case.name));
        }
        std::fs::remove_dir_all(dir).unwrap();
    }
}
