#!/usr/bin/env python3
"""gen_model.py - `divaviz gen` again, written from docs/gen.md alone (not from
src/gen/), in Python: its integers have no width, so a C overflow, a signed shift or
a float slipped into the generator shows as a different byte.

    python3 tests/gen_model.py SEED COUNT MIN MAX PERCENT REALLOC DIST HEAP LIVE
    python3 tests/gen_model.py - < lines-of-those-nine-words

prints the trace that `divaviz gen -s SEED -n COUNT -m MIN -r MAX -P PERCENT
--realloc=REALLOC --dist=DIST --heap=HEAP --live=LIVE` writes (HEAP in bytes; no
title or policy options); with `-`, one trace after the other for each line of
standard input. tests/test_gen.c compares them with the C generator's.
"""
import sys

MASK = (1 << 64) - 1


class Rng:
    """xoshiro256**, seeded with four splitmix64 outputs."""

    def __init__(self, seed):
        self.s = []
        x = seed
        for _ in range(4):
            x = (x + 0x9E3779B97F4A7C15) & MASK
            z = x
            z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
            z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
            self.s.append(z ^ (z >> 31))

    @staticmethod
    def rotl(x, k):
        return ((x << k) | (x >> (64 - k))) & MASK

    def next(self):
        s = self.s
        result = (self.rotl((s[1] * 5) & MASK, 7) * 9) & MASK
        t = (s[1] << 17) & MASK
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = self.rotl(s[3], 45)
        return result

    def below(self, n):
        while True:
            x = self.next()
            if x >= (1 << 64) % n:
                return x % n

    def between(self, lo, hi):
        return lo + self.below(hi - lo + 1)


def size_text(n):
    for unit, suffix in ((1 << 30, "G"), (1 << 20, "M"), (1 << 10, "K")):
        if n % unit == 0:
            return "%d%s" % (n // unit, suffix)
    return str(n)


def draw_size(rng, dist, lo, hi, i, count):
    span = hi - lo
    if dist == "uniform":
        return rng.between(lo, hi)
    if dist == "bimodal":
        if rng.below(4) < 3:
            return rng.between(lo, lo + span // 8)
        return rng.between(hi - span // 4, hi)
    if dist == "power":
        top = 0
        while lo * 2 ** (top + 1) <= hi:
            top += 1
        while True:
            x = rng.next()
            k = 64 if x == 0 else (x & -x).bit_length() - 1
            if k <= top:
                break
        if k == top:
            return rng.between(lo * 2 ** k, hi)
        return rng.between(lo * 2 ** k, lo * 2 ** (k + 1) - 1)
    assert dist == "phases"
    if (4 * i // count) % 2 == 0:
        return rng.between(lo, lo + span // 8)
    return rng.between(hi - span // 2, hi)


def generate(seed, count, lo, hi, percent, realloc, dist, heap, target):
    out = ["# A random trace. The same command writes it again, byte for byte:\n"]
    out.append("#   divaviz gen -s %d -n %d -m %d -r %d -P %d --realloc=%d --dist=%s --heap=%s --live=%d\n"
               % (seed, count, lo, hi, percent, realloc, dist, size_text(heap), target))
    out.append('\ntitle "Random: %d operations, %s sizes %d to %d bytes, seed %d"\n'
               % (count, dist, lo, hi, seed))
    out.append("heap %s\n\n" % size_text(heap))
    rng = Rng(seed)
    band = max(1, target // 8)
    live, freed, made, reached = [], [], 0, False
    for i in range(count):
        if target > 0 and len(live) >= target:
            reached = True
        if not live or (target > 0 and not reached):
            kind = "alloc"
        elif rng.below(100) < realloc:
            kind = "realloc"
        elif target > 0 and len(live) >= target + band:
            kind = "free"
        elif target > 0 and len(live) + band <= target:
            kind = "alloc"
        else:
            kind = "alloc" if rng.below(100) < percent else "free"
        if kind == "alloc":
            if freed:
                ident = freed.pop()
            else:
                made += 1
                ident = made
            live.append(ident)
            out.append("alloc p%d %d\n" % (ident, draw_size(rng, dist, lo, hi, i, count)))
        elif kind == "free":
            j = rng.below(len(live))
            ident = live[j]
            live[j] = live[-1]
            live.pop()
            freed.append(ident)
            out.append("free p%d\n" % ident)
        else:
            ident = live[rng.below(len(live))]
            out.append("realloc p%d %d\n" % (ident, draw_size(rng, dist, lo, hi, i, count)))
    return "".join(out)


def trace(words):
    seed, count, lo, hi, percent, realloc = (int(a, 0) for a in words[:6])
    dist, heap, target = words[6], int(words[7], 0), int(words[8], 0)
    return generate(seed, count, lo, hi, percent, realloc, dist, heap, target)


def main(argv):
    if argv[1:] == ["-"]:
        for line in sys.stdin:
            sys.stdout.write(trace(line.split()))
    elif len(argv) == 10:
        sys.stdout.write(trace(argv[1:]))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
