#!/usr/bin/env python3
"""Size figures of the C++ sources, for reviews of the code's shape.

Usage: scripts/code_metrics.py [TOP]   (from the repository root; TOP rows, default 15)

Prints lines per module (src/<module> and its public headers), the largest files, and the
longest functions: lines from the '{' that opens a function body (a block at namespace
level whose header has a ')') to its closing '}', strings and comments stripped first."""
import os, re, sys, pathlib

def strip(text):
    text = re.sub(r'R"(\w*)\((.|\n)*?\)\1"', lambda m: '""' + '\n' * m.group(0).count('\n'), text)
    text = re.sub(r'//[^\n]*', '', text)
    text = re.sub(r'/\*(.|\n)*?\*/', lambda m: '\n' * m.group(0).count('\n'), text)
    text = re.sub(r'"(\\.|[^"\\\n])*"', '""', text)
    text = re.sub(r"'(\\.|[^'\\\n])'", "''", text)
    return text

MODULE_HEADERS = {}  # filled from CMakeLists.txt's pgphase_module(... HEADERS ...) rows


def module_headers():
    text = pathlib.Path("CMakeLists.txt").read_text()
    out = {}
    for m in re.finditer(r"pgphase_module\((\w+) HEADERS ([^\n]*?)(?:\n|PUBLIC|PRIVATE|FORBID)", text):
        out[m.group(1)] = [h for h in m.group(2).split() if h.endswith(".h")]
    return out


def function_lengths(paths):
    rows = []
    for path in paths:
        text = strip(pathlib.Path(path).read_text())
        stack = []  # kinds: 'ns', 'fn', 'other'
        header = ''
        line = 1
        fn_start = None
        name = ''
        for ch in text:
            if ch == '\n':
                line += 1
            if ch == '{':
                in_fn = 'fn' in stack
                h = header.strip()
                if in_fn:
                    stack.append('other')
                elif re.search(r'\bnamespace\b', h) or re.search(r'\b(struct|class|enum|union)\b[^()]*$', h) or h.endswith('extern "C"'):
                    stack.append('ns')
                elif ')' in h and not re.search(r'=\s*$', h):
                    stack.append('fn')
                    fn_start = line
                    m = re.findall(r'([A-Za-z_][A-Za-z0-9_:~]*)\s*\(', h)
                    name = m[0] if m else '?'
                else:
                    stack.append('other')
                header = ''
            elif ch == '}':
                kind = stack.pop() if stack else 'ns'
                if kind == 'fn':
                    rows.append((line - fn_start + 1, name, f"{path}:{fn_start}"))
                header = ''
            elif ch == ';':
                header = ''
            else:
                header += ch
    return rows


def main():
    top = int(sys.argv[1]) if len(sys.argv) > 1 else 15
    sources = sorted(str(p) for p in pathlib.Path("src").rglob("*") if p.suffix in (".cc", ".h"))
    lines = {p: len(pathlib.Path(p).read_text().splitlines()) for p in sources}
    print("lines per module (sources + public headers):")
    for module, headers in module_headers().items():
        n = sum(v for p, v in lines.items() if p.startswith(f"src/{module}/"))
        n += sum(len(pathlib.Path("include/pgphase", h).read_text().splitlines()) for h in headers)
        print(f"  {module:8s} {n:6d}")
    print(f"  {'total':8s} {sum(lines.values()):6d} in src/")
    print("largest files:")
    for p, n in sorted(lines.items(), key=lambda kv: -kv[1])[:top]:
        print(f"  {n:5d}  {p}")
    print("longest functions:")
    rows = function_lengths(sources)
    rows.sort(key=lambda r: -r[0])
    for n, name, where in rows[:top]:
        print(f"  {n:4d}  {name:42s} {where}")


if __name__ == "__main__":
    main()
