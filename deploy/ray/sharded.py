"""Run a sharded serverless-sim sweep (or trace replay) as Ray tasks, then merge it locally.

Each shard is one Ray task. The task runs the serverless-sim binary in a subprocess with
`--shard K/N --out <temporary folder>`, and returns the part folder's files as bytes, so the
driver gathers the parts without a shared filesystem. The driver writes them into a local
parts folder and runs `serverless-sim merge OUT PART...` on them:

- exit 0: the reports are written; done.
- exit 3 (sweeps only): the break-even refinement needs another round. Every shard of the
  round receives the parts so far (as bytes), writes them into its temporary folder and runs
  `sweep ... --shard K/N --after <those parts>`; then the driver merges again.
- anything else, or a shard that fails: the driver prints the binary's stderr and exits
  non-zero.

A replay (`run`) is one round: N shards of `run SCENARIO --shard K/N`, then the merge.

    python deploy/ray/sharded.py --shards 3 --out reports/break-even-sweep \\
        sweep scenarios/break-even.toml --param load=0.1..100:log25

Without --address, `ray.init()` starts a new Ray instance on this machine (--num-cpus caps it);
with --address (`auto`, `ray://head:10001`) it joins a cluster. Workers run the binary and
read the scenario (and traces) at the paths given, relative to the driver's working
directory: give them the same files at the same paths (one image, a shared filesystem), or
ship a folder with --working-dir (Ray's runtime_env): paths are then relative to that folder
on the workers, so run the driver from inside it.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import ray

# `merge` exits with this code when the break-even refinement needs another round.
ANOTHER_ROUND = 3
# A sweep's refinement ends after a few dozen rounds; more means something is wrong.
MAX_ROUNDS = 100
# Flags the driver sets on every shard's command line.
DRIVER_FLAGS = ("--shard", "--out", "--after")


def read_folder(root: Path) -> dict[str, bytes]:
    """Every file under `root`, keyed by its '/'-separated path relative to `root`."""
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def write_folder(root: Path, files: dict[str, bytes]) -> None:
    """Writes `files` (as returned by `read_folder`) under `root`."""
    for name, data in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


@ray.remote
def run_shard(binary, command, cwd, part_name, parts_so_far):
    """Runs one shard on a worker: `binary command... --out TMP/part_name [--after TMP/parts]`
    in `cwd` (None: the worker's own, e.g. Ray's unpacked working_dir).

    Returns (exit code, stderr, files of the part folder keyed `part_name/<file>`); a round
    that has nothing left for this shard writes no folder, and returns no files.
    """
    cwd = cwd or os.getcwd()
    if os.sep in binary and not os.path.isabs(binary):
        binary = os.path.join(cwd, binary)
    with tempfile.TemporaryDirectory(prefix="serverless-sim-shard-") as tmp:
        part = Path(tmp) / "out" / part_name
        args = [binary, *command, "--out", str(part)]
        if parts_so_far is not None:
            write_folder(Path(tmp) / "parts", parts_so_far)
            args += ["--after", str(Path(tmp) / "parts")]
        try:
            done = subprocess.run(args, cwd=cwd, capture_output=True)
        except OSError as e:
            return 127, f"cannot run {binary}: {e}\n", {}
        files = {}
        if done.returncode == 0 and part.is_dir():
            files = {f"{part_name}/{n}": b for n, b in read_folder(part).items()}
        return done.returncode, done.stderr.decode(errors="replace"), files


class Failed(Exception):
    """A shard or the merge failed: the message to print and the exit code to end with."""

    def __init__(self, message, code):
        super().__init__(message)
        self.code = code or 1


def run_round(options, round_index, gathered):
    """Runs the N shards of one round as Ray tasks; returns the new parts' files."""
    n = options.shards
    after = None if round_index == 0 else ray.put(gathered)
    cwd = None if options.working_dir else os.getcwd()
    task = run_shard.options(num_cpus=options.cpus_per_shard)
    pending = []
    for k in range(n):
        name = f"round-{round_index}-shard-{k}-of-{n}"
        command = [options.mode, *options.args, "--shard", f"{k}/{n}"]
        pending.append(task.remote(options.bin, command, cwd, name, after))
    new = {}
    for k, (code, stderr, files) in enumerate(ray.get(pending)):
        if code != 0:
            failed = f"shard {k}/{n} of round {round_index} failed (exit {code})"
            raise Failed(f"{failed}:\n{stderr}", code)
        new.update(files)
    return new


def merge(options, parts):
    """`serverless-sim merge OUT PART...` here, naming each part folder under `parts`;
    returns (exit code, stderr). Stdout (the table, or the JSON with --json) goes to ours."""
    binary = options.bin
    if os.sep in binary and not os.path.isabs(binary):
        binary = os.path.abspath(binary)
    folders = sorted(str(p) for p in parts.iterdir() if p.is_dir())
    args = [binary, "merge", options.out, *folders]
    if options.quiet:
        args.append("--quiet")
    if options.json:
        args += ["--format", "json"]
    done = subprocess.run(args, stderr=subprocess.PIPE)
    return done.returncode, done.stderr.decode(errors="replace")


def sharded(options, parts):
    """Runs rounds and merges until the merge writes the reports."""
    gathered = {}
    for round_index in range(MAX_ROUNDS):
        started = time.monotonic()
        new = run_round(options, round_index, gathered)
        write_folder(parts, new)
        gathered.update(new)
        seconds = time.monotonic() - started
        log(f"round {round_index}: {options.shards} shards, {len(new)} files, {seconds:.1f} s")
        code, stderr = merge(options, parts)
        if code == 0:
            sys.stderr.write(stderr)
            return
        if code != ANOTHER_ROUND or options.mode != "sweep":
            raise Failed(f"merge failed (exit {code}):\n{stderr}", code)
        log(f"merge: the break-even refinement needs round {round_index + 1}")
    raise Failed(f"the refinement did not end in {MAX_ROUNDS} rounds", 1)


def log(line):
    print(f"sharded.py: {line}", file=sys.stderr, flush=True)


def parse(argv):
    parser = argparse.ArgumentParser(
        description="Run the shards of a serverless-sim sweep or trace replay as Ray tasks, "
        "and merge them here.",
        epilog="Example: sharded.py --shards 3 --out reports/break-even-sweep "
        "sweep scenarios/break-even.toml --param load=0.1..100:log25",
    )
    add = parser.add_argument
    add("--shards", type=int, required=True, help="N, the shards (Ray tasks) of each round")
    add("--out", required=True, help="the report folder the merge writes, here")
    add("--parts", help="a new folder to keep the gathered parts in (default: a temporary one)")
    add("--bin", default="serverless-sim", help="the binary, at the same path on every worker (%(default)s)")
    add("--address", help="the Ray cluster to join (auto, ray://head:10001); default: start one")
    add("--num-cpus", type=int, help="CPUs of the Ray instance started here (default: all)")
    add("--cpus-per-shard", type=float, default=1, help="CPUs Ray reserves per task (1)")
    add("--working-dir", help="a folder Ray ships to the workers; shard paths are relative to it")
    add("--quiet", action="store_true", help="pass --quiet to the merge")
    add("--json", action="store_true", help="pass --format json to the merge")
    add("mode", choices=["sweep", "run"], help="what to shard: a sweep, or a trace replay")
    add("args", nargs=argparse.REMAINDER, help="the scenario and the command's own arguments")
    options = parser.parse_args(argv)
    if options.shards < 1:
        parser.error("--shards must be at least 1")
    if options.num_cpus is not None and options.address:
        parser.error("--num-cpus is for a Ray instance started here, not with --address")
    clash = [a for a in options.args if a.split("=")[0] in DRIVER_FLAGS]
    if clash:
        parser.error(f"the driver sets {', '.join(DRIVER_FLAGS)}: remove {' '.join(clash)}")
    return options


def main(argv=None):
    options = parse(argv)
    if options.parts:
        parts = Path(options.parts)
    else:
        parts = Path(tempfile.mkdtemp(prefix="serverless-sim-parts-"))
    if options.parts and parts.exists() and any(parts.iterdir()):
        log(f"{parts} is not empty: give a new or empty parts folder")
        return 1
    parts.mkdir(parents=True, exist_ok=True)
    settings = {}
    if options.address:
        settings["address"] = options.address
    else:
        # "local": a new instance, even where one started by `ray start` is running.
        settings.update(address="local", include_dashboard=False)
        if options.num_cpus is not None:
            settings["num_cpus"] = options.num_cpus
    if options.working_dir:
        settings["runtime_env"] = {"working_dir": options.working_dir}
    ray.init(**settings)
    try:
        sharded(options, parts)
        return 0
    except Failed as e:
        log(str(e))
        return e.code
    finally:
        ray.shutdown()
        if not options.parts:
            shutil.rmtree(parts, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
