// What each part of a Wasm module weighs: the code of its functions grouped by the crate their
// (demangled) names start with, the data segments, and the rest (types, imports, exports,
// tables). Needs a module that kept its name section (scripts/build-worker.sh --keep-names);
// the sizes are of the code as shipped (names are stripped only from the upload).
//   node bench/wasm-parts.mjs FILE.wasm      # prints JSON: { total, parts: [{ name, bytes }] }
import { readFileSync } from 'node:fs';

function leb(buf, pos) {
  let result = 0;
  let shift = 0;
  for (;;) {
    const byte = buf[pos++];
    result += (byte & 0x7f) * 2 ** shift;
    shift += 7;
    if (!(byte & 0x80)) return [result, pos];
  }
}

/** Sections of a module: [{ id, name (custom sections), start, end }]. */
function sections(buf) {
  const out = [];
  let pos = 8;
  while (pos < buf.length) {
    const id = buf[pos];
    const [size, body] = leb(buf, pos + 1);
    let name;
    if (id === 0) {
      const [len, p] = leb(buf, body);
      name = buf.subarray(p, p + len).toString('utf8');
    }
    out.push({ id, name, start: pos, body, end: body + size });
    pos = body + size;
  }
  return out;
}

/** The crate (or part) a function name belongs to. */
export function partOf(name) {
  // `<A as B>::f` counts as A's (B's when A is a primitive or a reference); with LTO, inlined code
  // counts where it was inlined (the Worker's fetch handler lives mostly in js_sys's future closure).
  // The Worker's async fetch handler, with all LTO inlined into it, is one poll function.
  if (/AssertUnwindSafe<F> as core::future::future::Future>::poll/.test(name))
    return 'the Worker (taskgate_worker, with what LTO inlined into its handler)';
  let n = name.replace(/\[[0-9a-f]+\]/g, '').replace(/^[<&]+(mut )?/, '');
  const as = /^([^ ]+) as ([^ >]+)/.exec(n);
  if (as && !as[1].includes('::')) n = as[2];
  if (/^\[T\] as ctutils/.test(n)) return 'signature math (ed25519-dalek, p256, p521, rsa, crypto-bigint, ...)';
  if (/^(str|char|u8|u16|u32|u64|usize|i32|i64|f64|T|\[)\b/.test(n) || /^__multi3|^init$/.test(n))
    return 'Rust core/alloc/std (formatting, strings, collections, panics)';
  if (/^(Closure\(|[A-Z][A-Za-z0-9]*(\([^)]*\))? -> Externref|intounderlying|wasm_streams::)/.test(n))
    return 'wasm-bindgen, js-sys, web-sys';
  if (/^(taskgate_verify|hmac|sha2|digest|base64|subtle)::/.test(n))
    return 'verifier (taskgate_verify, hmac, sha2, base64)';
  if (
    /^(crypto_bigint|primeorder|primefield|curve25519_dalek|ed25519_dalek|ed25519|p256|p521|rsa|elliptic_curve|ecdsa|der|const_oid|sec1|wnaf|ctutils|cmov|hybrid_array|signature|pkcs1|pkcs8|spki|ff|group|rfc6979|crypto_common|block_buffer)::|as (ctutils|cmov)\b/.test(
      n,
    )
  )
    return 'signature math (ed25519-dalek, p256, p521, rsa, crypto-bigint, ...)';
  if (/^taskgate_worker::/.test(n)) return 'the Worker (taskgate_worker, with what LTO inlined into its handler)';
  if (/^(serde_json|serde|serde_core)::/.test(n)) return 'serde, serde_json';
  if (/^serde_wasm_bindgen::/.test(n)) return 'serde_wasm_bindgen';
  if (/^(worker|worker_sys)::/.test(n)) return 'workers-rs (worker, worker_sys)';
  if (/^(wasm_bindgen|js_sys|web_sys|wasm_bindgen_futures)::|^__wbg|^__wbindgen|^__externref|externref shim/.test(n))
    return 'wasm-bindgen, js-sys, web-sys';
  if (/^(futures|futures_util|futures_core|futures_channel|pin_project)/.test(n)) return 'futures';
  if (/^(form_urlencoded|percent_encoding|url|idna)::/.test(n)) return 'URL pieces (form_urlencoded, percent_encoding)';
  if (/^(http|bytes|matchit|chrono|tokio|hashbrown)::/.test(n)) return 'other crates of workers-rs (http, bytes, ...)';
  if (/^(dlmalloc|__rust_alloc|__rust_dealloc|__rust_realloc|__rdl_|__rg_)/.test(n)) return 'allocator';
  if (
    /^(core|alloc|std|compiler_builtins|memcpy|memmove|memset|memcmp|rust_begin_unwind|__rust)/.test(n) ||
    /^(memcpy|memmove|memset|memcmp)$/.test(n)
  )
    return 'Rust core/alloc/std (formatting, strings, collections, panics)';
  return 'other';
}

export function wasmParts(file) {
  const buf = readFileSync(file);
  const secs = sections(buf);
  const imports = secs.find((s) => s.id === 2);
  let importedFns = 0;
  if (imports) {
    let [count, p] = leb(buf, imports.body);
    for (let i = 0; i < count; i++) {
      for (let k = 0; k < 2; k++) {
        const [len, q] = leb(buf, p);
        p = q + len;
      }
      const kind = buf[p++];
      if (kind === 0) {
        importedFns++;
        p = leb(buf, p)[1];
      } else if (kind === 1) {
        p++;
        const [flags, q] = leb(buf, p);
        p = leb(buf, q)[1];
        if (flags & 1) p = leb(buf, p)[1];
      } else if (kind === 2) {
        const [flags, q] = leb(buf, p);
        p = leb(buf, q)[1];
        if (flags & 1) p = leb(buf, p)[1];
      } else if (kind === 3) {
        p += 2;
      } else if (kind === 4) {
        p += 1;
        p = leb(buf, p)[1];
      }
    }
  }
  const names = new Map();
  const nameSec = secs.find((s) => s.id === 0 && s.name === 'name');
  if (nameSec) {
    let p = leb(buf, nameSec.body)[1] + 4; // skip the custom section's name ("name")
    while (p < nameSec.end) {
      const sub = buf[p];
      const [size, body] = leb(buf, p + 1);
      if (sub === 1) {
        let [count, q] = leb(buf, body);
        for (let i = 0; i < count; i++) {
          const [idx, r] = leb(buf, q);
          const [len, s] = leb(buf, r);
          names.set(idx, buf.subarray(s, s + len).toString('utf8'));
          q = s + len;
        }
      }
      p = body + size;
    }
  }
  const parts = new Map();
  const add = (name, bytes) => parts.set(name, (parts.get(name) ?? 0) + bytes);
  for (const s of secs) {
    if (s.id === 10) {
      let [count, p] = leb(buf, s.body);
      add('function index and framing', p - s.start);
      for (let i = 0; i < count; i++) {
        const [size, body] = leb(buf, p);
        add(partOf(names.get(importedFns + i) ?? ''), size + (body - p));
        p = body + size;
      }
    } else if (s.id === 11) add('data (strings, tables, the OpenAPI document)', s.end - s.start);
    else if (s.id === 0) add(`custom section "${s.name}" (not uploaded)`, s.end - s.start);
    else add('types, imports, exports, tables, globals', s.end - s.start);
  }
  return {
    total: buf.length,
    named: names.size > 0,
    parts: [...parts].map(([name, bytes]) => ({ name, bytes })).sort((a, b) => b.bytes - a.bytes),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(JSON.stringify(wasmParts(process.argv[2]), null, 1));
