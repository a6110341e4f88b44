#!/usr/bin/env python
"Functions over 50 and over 80 lines in each synthview module (ast: a def's first line to its last, decorators excluded)."
import argparse, ast, json
from pathlib import Path

def long_functions(path) -> list:
    "(qualified name, lines) of every function and method in a Python file, longest first."
    out = []
    def visit(node, prefix=''):
        for n in ast.iter_child_nodes(node):
            if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)):
                out.append((prefix + n.name, n.end_lineno - n.lineno + 1)); visit(n, prefix + n.name + '.')
            elif isinstance(n, ast.ClassDef): visit(n, prefix + n.name + '.')
    visit(ast.parse(Path(path).read_text()))
    return sorted(out, key=lambda t: -t[1])

def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument('--pkg', default=str(Path(__file__).resolve().parents[1]/'synthview'), help='the package folder')
    p.add_argument('--over', type=int, nargs=2, default=(50, 80), help='the two thresholds')
    p.add_argument('--json', action='store_true', help='one JSON line with the totals')
    a = p.parse_args(argv)
    lo, hi = a.over
    tot = {lo: 0, hi: 0}
    for f in sorted(Path(a.pkg).glob('*.py')):
        if f.name.startswith('_'): continue
        fs = long_functions(f)
        n_lo, n_hi = sum(n > lo for _, n in fs), sum(n > hi for _, n in fs)
        tot[lo] += n_lo; tot[hi] += n_hi
        if n_lo and not a.json:
            print(f"{f.stem:12s} >{lo}: {n_lo:2d}  >{hi}: {n_hi:2d}   " + ', '.join(f"{q} {n}" for q, n in fs if n > lo))
    print(json.dumps({f'over_{lo}': tot[lo], f'over_{hi}': tot[hi]}) if a.json else f"{'total':12s} >{lo}: {tot[lo]:2d}  >{hi}: {tot[hi]:2d}")

if __name__ == '__main__': main()
