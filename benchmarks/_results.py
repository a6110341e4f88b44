"""One JSON line per benchmark run, written the same way by every script that imports it (`from _results import
write_line`; a script run as `python benchmarks/NAME.py` has this folder on its path): the exact command, niceness, the
package's git commit, the date and the machine (with its load), then the script's own figures; printed, and appended
to benchmarks/results/NAME.jsonl unless `write` is False."""
import json, os, platform, shlex, subprocess, sys, time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

def git_commit():
    "HEAD of the repository this script is in, or None outside a git checkout."
    try: return subprocess.run(['git', 'rev-parse', 'HEAD'], cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()
    except Exception: return None

def write_line(line:dict, name:str, write:bool=True) -> dict:
    "Add the command, machine, git commit and date to a benchmark's result; print it as one JSON line and append it to benchmarks/results/<name>.jsonl."
    line = dict(benchmark=name, command='python ' + shlex.join([f'benchmarks/{name}.py'] + sys.argv[1:]), niceness=os.nice(0),
                git_commit=git_commit(), date=time.strftime('%Y-%m-%d %H:%M:%S UTC', time.gmtime()),
                machine=dict(node=platform.node(), cpus=os.cpu_count(), processor=platform.processor() or platform.machine(),
                             platform=platform.platform(), load_average_1min=round(os.getloadavg()[0], 2)),
                **{k: v for k, v in line.items() if k != 'benchmark'})
    print(json.dumps(line))
    if write:
        with open(ROOT/'benchmarks'/'results'/f'{name}.jsonl', 'a') as f: f.write(json.dumps(line) + '\n')
    return line
