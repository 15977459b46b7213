//! taskgate-bench-native: HS256 verification of one ~400-byte token by taskgate-verify,
//! jsonwebtoken and jwt-simple, against a floor of HMAC-SHA256 alone.
//!
//! Prints a table to stderr and one JSON document to stdout. See README.md.

mod cases;
mod counting;

use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

use serde::Serialize;

#[global_allocator]
static ALLOCATOR: counting::Counting = counting::Counting;

const USAGE: &str = "usage: taskgate-bench-native [--smoke] [--rounds R] [--iterations N]";
/// Default rounds; each library is timed once per round, libraries interleaved.
const DEFAULT_ROUNDS: usize = 15;
/// Default verifications per library per round: ~20 ms for taskgate-verify here (6 ms for the
/// floor, 85 ms for jwt-simple).
const DEFAULT_ITERATIONS: u64 = 20_000;

/// What to run.
#[derive(Debug, PartialEq)]
struct Config {
    rounds: usize,
    iterations: u64,
}

/// Parses `--smoke` (1 round of 10), `--rounds R` and `--iterations N` (both at least 1).
fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Config, String> {
    let mut config = Config { rounds: DEFAULT_ROUNDS, iterations: DEFAULT_ITERATIONS };
    while let Some(arg) = args.next() {
        let mut count = |flag: &str| -> Result<u64, String> {
            let value = args.next().ok_or(format!("{flag} needs a value"))?;
            value.parse().ok().filter(|&n| n > 0).ok_or(format!("{flag}: not a positive integer: {value:?}"))
        };
        match arg.as_str() {
            "--smoke" => config = Config { rounds: 1, iterations: 10 },
            "--rounds" => config.rounds = count("--rounds")? as usize,
            "--iterations" => config.iterations = count("--iterations")?,
            "-h" | "--help" => return Err(USAGE.into()),
            _ => return Err(format!("unknown argument {arg:?}\n{USAGE}")),
        }
    }
    Ok(config)
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
    let token = cases::token(now)?;
    let cases = cases::all(&token, now)?;

    // Every library must accept the token before anything is measured.
    for case in &cases {
        (case.check)().map_err(|e| format!("{} did not verify the token: {e}", case.name))?;
    }

    // Warm-up, then R rounds, the libraries interleaved within each round.
    for case in &cases {
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
    let rows: Vec<Row> = cases
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
        .collect();

    eprint!("{}", table(&rows, &config, token.len()));
    println!("{}", json(&rows, &config, token.len()));
    Ok(())
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

fn json(rows: &[Row], config: &Config, token_bytes: usize) -> String {
    let round = |ns: f64| (ns * 10.0).round() / 10.0;
    let rows = rows
        .iter()
        .map(|row| JsonRow {
            name: row.name,
            version: row.version,
            median_ns: round(row.median()),
            min_ns: round(row.min()),
            max_ns: round(row.max()),
            allocs: row.allocs,
            alloc_bytes: row.alloc_bytes,
        })
        .collect();
    let report = Report { suite: "native", token_bytes, rounds: config.rounds, iterations: config.iterations, rows };
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
        assert_eq!(parse(&[]), Ok(Config { rounds: DEFAULT_ROUNDS, iterations: DEFAULT_ITERATIONS }));
        assert_eq!(parse(&["--smoke"]), Ok(Config { rounds: 1, iterations: 10 }));
        assert_eq!(parse(&["--rounds", "3", "--iterations", "7"]), Ok(Config { rounds: 3, iterations: 7 }));
        assert!(parse(&["--rounds", "0"]).is_err());
        assert!(parse(&["--rounds"]).is_err());
        assert!(parse(&["--fast"]).is_err());
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
}
