#!/usr/bin/env python3
"""crosscheck.py - replay random traces through divaviz and tests/model.py and compare.

    python3 tests/crosscheck.py [--binary ./divaviz] [--traces N] [--seed S] [--keep DIR]

Generates N reproducible random .trc traces (and a few OSTEP --ops strings) that
exercise every rule of docs/allocators.md, runs `BINARY --batch --check` on each and the
independent model (tests/model.py, in-process) on the same input with the same options,
and compares the JSON Lines field by field: `frag` numerically (1e-12), everything else
exactly, field order and line count included.  On the first mismatch it prints the
trace, the step, the field and both values, saves the trace (and both outputs) under
--keep DIR and exits 1.  Exit 0 and one summary line when everything agrees; exit 2 if
the binary is missing.
"""

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True      # no tests/__pycache__ in the work tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import model  # noqa: E402

POLICIES = model.POLICIES
ORDERS = model.ORDERS
HEADERS = (0, 4, 8, 16)
ALIGNS = (1, 4, 8, 16)
ID_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-"


# ---- generating traces ------------------------------------------------------------------

def classes_ok(cl, header, align):
    return all(a < b for a, b in zip(cl, cl[1:])) and 1 <= len(cl) <= 32


def gen_classes(rng, header, align):
    if rng.random() < 0.25:     # any ascending list: some classes may never be used
        return sorted(rng.sample(range(1, 1100), rng.randint(1, 10)))
    cands = [m for m in range(align, 1025, align) if m > header]
    small = [m for m in cands if m <= 160]
    k = rng.randint(1, 8)
    pool = small if (rng.random() < 0.6 and len(small) >= k) else cands
    return sorted(rng.sample(pool, min(k, len(pool))))


def fmt_num(rng, n, suffix_ok=True):
    r = rng.random()
    if suffix_ok and n and n % 1024 == 0 and r < 0.5:
        return "%d%s" % (n // 1024, rng.choice("Kk"))
    if r < 0.12:
        return "0x%x" % n if rng.random() < 0.5 else "0X%X" % n
    return str(n)


def quote(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


NOTE_WORDS = ["split", "the", "rover", "moves", "coalesce", "span", "free", "hole",
              "'quoted'", '"dq"', "back\\slash", "50%", "{json}", "<tag>", "caf\u00e9", "tab:"]


def gen_note(rng):
    return " ".join(rng.choice(NOTE_WORDS) for _ in range(rng.randint(1, 6)))


def gen_id(rng, counter):
    r = rng.random()
    if r < 0.5:
        return "%s%d" % (rng.choice("ABCDEFGHpqxyz"), counter)
    if r < 0.95:
        pre = "".join(rng.choice(ID_CHARS) for _ in range(rng.randint(1, 6)))
        return "%s_%d" % (pre, counter)
    s = "%d_" % counter
    return s + "".join(rng.choice(ID_CHARS) for _ in range(64 - len(s)))


def gen_size(rng, heap, small=False):
    r = rng.random()
    if small:               # many small blocks: long lists, full spans, class-list hits
        if r < 0.05:
            return 0
        if r < 0.85:
            return rng.randint(1, 40)
        if r < 0.97:
            return rng.randint(1, max(1, heap // 8))
        return rng.randint(1, heap)
    if r < 0.05:
        return 0
    if r < 0.45:
        return rng.randint(1, 24)
    if r < 0.80:
        return rng.randint(1, max(1, heap // 6))
    if r < 0.93:
        return rng.randint(1, max(1, heap // 2))
    return rng.randint(heap // 2, heap)


def gen_trace(rng, idx):
    """Returns (trace text, extra command-line options, description)."""
    policy = rng.choice(POLICIES)
    order = rng.choice(ORDERS)
    coalesce = rng.random() < 0.6
    header = rng.choice(HEADERS)
    align = rng.choice(ALIGNS)
    heap = rng.choice([64, 80, 96, 128, 160, 200, 256, 300, 512, 1000, 1024, 2048, 4096,
                       rng.randint(64, 4096), rng.randint(64, 600)])
    small = rng.random() < (0.6 if policy == "segregated" else 0.35)
    if small and heap < 512 and rng.random() < 0.7:
        heap = rng.choice([512, 1024, 2048, 3000, 4096])
    base = rng.choice([0, 0, 1000, 4096, 0x10000, rng.randint(0, 1 << 20)])
    classes = None
    if policy == "segregated":
        if not classes_ok(model.DEFAULT_CLASSES, header, align) or rng.random() < 0.4:
            classes = gen_classes(rng, header, align)
    elif rng.random() < 0.08:
        classes = gen_classes(rng, header, align)

    defaults = {"heap": 4096, "base": 0, "header": 8, "align": 8, "policy": "first",
                "order": "addr", "coalesce": True}
    values = {"heap": heap, "base": base, "header": header, "align": align,
              "policy": policy, "order": order, "coalesce": coalesce, "classes": classes}

    def dir_text(k, v):
        if k in ("heap", "header", "align"):
            return "%s %s" % (k, fmt_num(rng, v))
        if k == "base":
            return "base %s" % fmt_num(rng, v, suffix_ok=False)
        if k == "coalesce":
            return "coalesce %s" % ("yes" if v else "no")
        if k == "classes":
            return "classes %s" % ",".join(fmt_num(rng, c) for c in v)
        return "%s %s" % (k, v)

    def cli(k, v):
        if k == "policy":
            return ["-p", v] if rng.random() < 0.5 else ["--policy=%s" % v]
        if k == "coalesce":
            v = "yes" if v else "no"
        elif k == "classes":
            v = ",".join(str(c) for c in v)
        # both documented spellings: `--header 0` and `--coalesce=yes`
        return ["--%s=%s" % (k, v)] if rng.random() < 0.5 else ["--" + k, str(v)]

    directives, opts = [], []
    if rng.random() < 0.3:
        directives.append('title %s' % quote("random trace %d: %s" % (idx, gen_note(rng))))
    keys = list(values)
    rng.shuffle(keys)
    for k in keys:
        v = values[k]
        if v is None:
            continue
        r = rng.random()
        if k in defaults and v == defaults[k] and r < 0.3:
            continue                                # left at the default
        if r < 0.55:
            directives.append(dir_text(k, v))
        elif r < 0.9 or k in ("header", "align", "classes"):
            opts += cli(k, v)
        else:                                       # a directive the option overrides
            if k == "heap":
                decoy = rng.randint(1, 8192)
            elif k == "base":
                decoy = rng.randint(0, 1 << 30)
            elif k == "policy":
                decoy = rng.choice(["bump", "first", "next", "best", "worst"])
            elif k == "order":
                decoy = rng.choice(ORDERS)
            else:
                decoy = not v
            directives.append(dir_text(k, decoy))
            opts += cli(k, v)

    live = {}           # reader-live ids -> last requested size
    reusable = []       # freed ids
    counter = 0
    body = []
    nops = rng.randint(5, 120)
    aw = {"alloc": ["alloc"] * 6 + ["a", "malloc"], "free": ["free"] * 3 + ["f"],
          "realloc": ["realloc"] * 3 + ["r"]}
    for _ in range(nops):
        if rng.random() < 0.1:
            body.append("note %s" % quote(gen_note(rng)))
        r = rng.random()
        if not live or r < 0.40:
            if reusable and rng.random() < 0.35:
                name = reusable.pop(rng.randrange(len(reusable)))
            else:
                name = gen_id(rng, counter)
                counter += 1
            size = gen_size(rng, heap, small)
            live[name] = size
            body.append("%s %s %s" % (rng.choice(aw["alloc"]), name, fmt_num(rng, size)))
        elif r < 0.68:
            name = rng.choice(sorted(live))
            del live[name]
            reusable.append(name)
            body.append("%s %s" % (rng.choice(aw["free"]), name))
        elif r < 0.95:
            name = rng.choice(sorted(live))
            cur = live[name]
            k = rng.random()
            if k < 0.3:
                size = rng.randint(0, cur)
            elif k < 0.6:
                size = min(heap, cur + rng.randint(1, max(1, heap // 4)))
            elif k < 0.7:
                size = cur
            else:
                size = gen_size(rng, heap, small)
            live[name] = size
            body.append("%s %s %s" % (rng.choice(aw["realloc"]), name, fmt_num(rng, size)))
        else:
            body.append("compact")

    lines = ["# crosscheck trace %d" % idx] + directives + [""]
    for l in body:
        r = rng.random()
        if r < 0.05:
            l = l.replace(" ", "\t")
        elif r < 0.1:
            l = "  " + l.replace(" ", "   ") + "   "
        elif r < 0.15:
            l += "   # comment"
        elif r < 0.18:
            lines.append("")
        lines.append(l)
    text = "\n".join(lines) + "\n"
    if rng.random() < 0.05:
        text = text.replace("\n", "\r\n")
    if rng.random() < 0.03:
        text = "\ufeff" + text
    return text, opts


def gen_ops(rng):
    """An OSTEP operation string and options for both sides."""
    ops, live, k = [], [], 0
    for _ in range(rng.randint(3, 40)):
        if live and rng.random() < 0.4:
            p = live.pop(rng.randrange(len(live)))
            ops.append("-%d" % p)
        else:
            ops.append("+%d" % rng.randint(1, 40))
            live.append(k)
            k += 1
    opts = ["-p", rng.choice(POLICIES)]
    if rng.random() < 0.7:
        opts.append("--order=%s" % rng.choice(ORDERS))
    if rng.random() < 0.7:
        opts.append("--coalesce=%s" % rng.choice(["yes", "no"]))
    if rng.random() < 0.3:
        opts.append("--heap=%d" % rng.choice([60, 100, 200]))
    return ",".join(ops), opts


# ---- comparing ----------------------------------------------------------------------------

def same(a, b):
    """Exact JSON equality that does not confuse true with 1 or 1 with 1.0."""
    if type(a) is not type(b):
        return False
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    return a == b


def compare(bin_lines, mod_lines):
    """Returns None or (step index 0-based, field, binary value, model value)."""
    for i, (bl, ml) in enumerate(zip(bin_lines, mod_lines)):
        try:
            b = json.loads(bl)
        except ValueError as e:
            return i, "<json>", bl, "not JSON: %s" % e
        m = json.loads(ml)
        if list(b) != list(m):
            return i, "<fields>", list(b), list(m)
        for k in m:
            bv, mv = b[k], m[k]
            if k == "frag":
                if not (isinstance(bv, (int, float)) and not isinstance(bv, bool)
                        and abs(bv - mv) <= 1e-12):
                    return i, k, bv, mv
            elif not same(bv, mv):
                return i, k, bv, mv
    if len(bin_lines) != len(mod_lines):
        n = min(len(bin_lines), len(mod_lines))
        return n, "<line count>", len(bin_lines), len(mod_lines)
    return None


# ---- main ----------------------------------------------------------------------------------

def report(what, text, argv_bin, argv_model, keep, idx, problem, bin_out="", mod_out=""):
    stem = os.path.join(keep, "mismatch-%03d" % idx)
    if text is not None:       # name the saved copy, not the temporary file
        argv_bin = argv_bin[:-1] + [stem + ".trc"]
        argv_model = [a for a in argv_model if a != "--check"][:-1] + [stem + ".trc"]
    print("crosscheck: MISMATCH in %s" % what)
    print("  binary: %s" % " ".join(argv_bin))
    print("  model:  python3 tests/model.py %s" % " ".join(argv_model))
    if text is not None:
        print("---- trace ----")
        for n, l in enumerate(text.replace("\r\n", "\n").split("\n"), 1):
            if l or n == 1:
                print("%4d  %s" % (n, l))
        print("---------------")
    for l in problem:
        print("  " + l)
    os.makedirs(keep, exist_ok=True)
    if text is not None:
        with open(stem + ".trc", "w", encoding="utf-8", newline="") as f:
            f.write(text)
    with open(stem + ".cmd", "w") as f:
        f.write(" ".join(argv_bin) + "\n")
    with open(stem + ".binary.jsonl", "w") as f:
        f.write(bin_out)
    with open(stem + ".model.jsonl", "w") as f:
        f.write(mod_out)
    print("  saved: %s.{%s}" % (stem, "trc,cmd,binary.jsonl,model.jsonl" if text is not None
                                else "cmd,binary.jsonl,model.jsonl"))


def check_one(binary, what, idx, text, path, opts, ops, keep):
    """Returns the number of steps compared, or None after reporting a mismatch."""
    if ops is not None:
        argv_bin = [binary, "--batch", "--check", "--ops", ops] + opts
        argv_model = ["--ops", ops] + opts
    else:
        argv_bin = [binary, "--batch", "--check"] + opts + [path]
        argv_model = opts + [path]
    try:
        mod_lines = model.run(argv_model + ["--check"], text)
    except Exception as e:   # a model bug or a generator bug: report, do not hide
        report(what, text, argv_bin, argv_model, keep, idx,
               ["the model failed: %s: %s" % (type(e).__name__, e)])
        return None
    try:
        p = subprocess.run(argv_bin, capture_output=True, timeout=30)
    except OSError as e:
        print("crosscheck: cannot run %s: %s" % (binary, e), file=sys.stderr)
        sys.exit(2)
    except subprocess.TimeoutExpired:
        report(what, text, argv_bin, argv_model, keep, idx, ["the binary timed out"],
               "", "\n".join(mod_lines) + "\n")
        return None
    bin_out = p.stdout.decode("utf-8", "replace")
    mod_out = "\n".join(mod_lines) + "\n"
    if p.returncode != 0:
        report(what, text, argv_bin, argv_model, keep, idx,
               ["the binary exited with status %d" % p.returncode,
                "stderr: %s" % p.stderr.decode("utf-8", "replace").strip()[:2000]],
               bin_out, mod_out)
        return None
    bin_lines = [l for l in bin_out.split("\n") if l.strip()]
    diff = compare(bin_lines, mod_lines)
    if diff is None:
        return len(mod_lines)
    i, field, bv, mv = diff
    problem = ["step %d, field %s: binary %s, model %s"
               % (i + 1, field, json.dumps(bv), json.dumps(mv))]
    if i < len(mod_lines):
        problem.append("model line:  " + mod_lines[i])
    if i < len(bin_lines):
        problem.append("binary line: " + bin_lines[i])
    if i > 0 and i - 1 < len(mod_lines):
        problem.append("model, step before: " + mod_lines[i - 1])
    report(what, text, argv_bin, argv_model, keep, idx, problem, bin_out, mod_out)
    return None


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--binary", default="./divaviz")
    ap.add_argument("--traces", type=int, default=300)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--keep", default="/tmp/divaviz-mismatch")
    ap.add_argument("--ops-strings", type=int, default=20, help=argparse.SUPPRESS)
    a = ap.parse_args(argv)

    binary = a.binary
    if os.sep not in binary and not binary.startswith("."):
        binary = "./" + binary
    if a.binary == "./divaviz" and not os.path.exists(binary):   # run from elsewhere
        top = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        binary = os.path.join(top, "divaviz")
    if not (os.path.isfile(binary) and os.access(binary, os.X_OK)):
        print("crosscheck: no executable divaviz at %s (build it with `make`, or pass "
              "--binary PATH)" % a.binary, file=sys.stderr)
        return 2

    rng = random.Random(a.seed)
    steps = 0
    with tempfile.TemporaryDirectory(prefix="divaviz-crosscheck-") as tmp:
        for idx in range(a.traces):
            text, opts = gen_trace(rng, idx)
            path = os.path.join(tmp, "t%03d.trc" % idx)
            with open(path, "w", encoding="utf-8", newline="") as f:
                f.write(text)
            n = check_one(binary, "trace %d (seed %d)" % (idx, a.seed), idx, text, path,
                          opts, None, a.keep)
            if n is None:
                return 1
            steps += n
        for j in range(a.ops_strings):
            ops, opts = gen_ops(rng)
            n = check_one(binary, "--ops string %d (seed %d)" % (j, a.seed),
                          a.traces + j, None, None, opts, ops, a.keep)
            if n is None:
                return 1
            steps += n
    print("crosscheck: %d traces, %d steps, 0 mismatches" % (a.traces + a.ops_strings, steps))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
