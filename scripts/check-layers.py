#!/usr/bin/env python3
"""No module cycle in any crate, and the verifier crate's layers used one way only.

Reads each crate's `src/` and collects the `crate::a::b` and `super::x` paths of every module (comments
and `#[cfg(test)] mod tests` left out: tests may reach anywhere). Fails (exit 1) on a cycle between
modules, or on a module of `crate-verify` using a layer below it in LAYERS (docs/architecture.md).
Usage: python3 scripts/check-layers.py [CRATE_DIR...]   (default: every workspace crate)
"""
import collections
import os
import re
import sys

CRATES = ["crate-verify", "worker", "pkg", "cli"]
# crate-verify's layers, lowest first: a module may use its own layer and the ones before it.
LAYERS = [{"error", "alg", "codec"}, {"keyset"}, {"rules"}, {"host"}]


def modules(src):
    """Module path -> its source text without comments and unit tests."""
    out = {}
    for folder, _, files in os.walk(src):
        for name in files:
            if not name.endswith(".rs"):
                continue
            path = os.path.join(folder, name)
            rel = os.path.relpath(path, src)[:-3].replace(os.sep, "::")
            rel = re.sub(r"(^|::)mod$", "", rel)
            module = "crate" if rel in ("lib", "main") else rel
            text = open(path, encoding="utf-8").read()
            text = re.split(r"#\[cfg\(test\)\]\s*mod tests", text)[0]
            text = "\n".join(l for l in text.split("\n") if not l.strip().startswith("//"))
            out[module] = text
    return out


def edges(mods):
    names = set(mods)
    graph = collections.defaultdict(set)
    for module, text in mods.items():
        refs = ["::".join(r.split("::")) for r in re.findall(r"\bcrate::((?:[a-z_0-9]+::)*[a-z_0-9]+)", text)]
        parent = module.rsplit("::", 1)[0] if "::" in module else ""
        refs += [(parent + "::" if parent else "") + r for r in re.findall(r"\bsuper::([a-z_0-9]+)", text)]
        for ref in refs:
            parts = ref.split("::")
            for k in range(len(parts), 0, -1):
                target = "::".join(parts[:k])
                if target in names:
                    # A parent module's own items (re-exports) are not an arrow to it.
                    if target != module and not module.startswith(target + "::") and target != "crate":
                        graph[module].add(target)
                    break
    return graph


def cycles(graph, nodes):
    index, low, stack, on, found, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                found.append(sorted(comp))

    for v in sorted(nodes):
        if v not in index:
            visit(v)
    return found


def layer(module):
    top = module.split("::")[0]
    return next((i for i, names in enumerate(LAYERS) if top in names), None)


def main():
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
    crates = sys.argv[1:] or CRATES
    problems = []
    for crate in crates:
        mods = modules(os.path.join(root, crate, "src"))
        graph = edges(mods)
        for comp in cycles(graph, mods):
            problems.append(f"{crate}: module cycle: {' -> '.join(comp)}")
        if os.path.basename(os.path.normpath(crate)) == "crate-verify":
            for module, targets in sorted(graph.items()):
                for target in sorted(targets):
                    a, b = layer(module), layer(target)
                    if a is not None and b is not None and b > a:
                        problems.append(f"{crate}: {module} (layer {a}) uses {target} (layer {b}), a layer above it")
        print(f"[layers] {crate}: {len(mods)} modules, {sum(len(t) for t in graph.values())} arrows")
    for p in problems:
        print(f"[layers] {p}", file=sys.stderr)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
