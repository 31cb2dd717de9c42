"""numpy peer for bench/run.mjs: times its own loop and prints one JSON object.

usage: python3 numpy_bench.py SIZE [SIZE ...] [--time SECONDS] [--min-runs N]

Per size and task: warm-up calls, then timed calls until both the time budget and the
minimum run count are met (a task whose first call alone outlasts the budget is timed by that
call); reports every per-call time in seconds (run.mjs takes the median).
Tasks: default_rng().standard_normal / .random with dtype=float32, each allocating a fresh
array and with out= into a preallocated one; scipy.stats.truncnorm.rvs(-2, 2) (float64 inside),
cast to float32, where scipy imports. Run single-threaded (OPENBLAS_NUM_THREADS=1).
"""
import json
import sys
import time


def main():
    args = sys.argv[1:]
    budget, min_runs, sizes = 1.0, 5, []
    i = 0
    while i < len(args):
        if args[i] == "--time":
            budget = float(args[i + 1]); i += 2
        elif args[i] == "--min-runs":
            min_runs = int(args[i + 1]); i += 2
        else:
            sizes.append(int(args[i])); i += 1
    try:
        import numpy as np
    except ImportError as e:  # the row in results.md says so
        print(json.dumps({"error": f"numpy not importable: {e}"}))
        return
    rng = np.random.default_rng(1)
    out = {"numpy": np.__version__, "python": sys.version.split()[0], "results": {}}
    try:
        from scipy import __version__ as scipy_version
        from scipy.stats import truncnorm
        out["scipy"] = scipy_version
    except ImportError as e:
        truncnorm = None
        out["scipy_error"] = f"scipy not importable: {e}"
    for n in sizes:
        buf = np.empty(n, dtype=np.float32)
        tasks = {
            "normal": lambda: rng.standard_normal(n, dtype=np.float32),
            "normal_out": lambda: rng.standard_normal(dtype=np.float32, out=buf),
            "uniform": lambda: rng.random(n, dtype=np.float32),
            "uniform_out": lambda: rng.random(dtype=np.float32, out=buf),
        }
        if truncnorm is not None:
            tasks["truncnorm"] = lambda: truncnorm.rvs(-2.0, 2.0, size=n, random_state=rng).astype(np.float32)
        res = {}
        for name, f in tasks.items():
            t_warm = time.perf_counter()
            a = time.perf_counter()
            f()
            first = time.perf_counter() - a
            if first > budget:
                # a call longer than the whole budget (scipy's truncnorm at 16M: ~10 s): that one
                # call is the sample (each call allocates its array, so it is no colder than the next)
                res[name] = [first]
                continue
            for _ in range(2):  # warm-up: first-touch page faults, caches
                f()
                if time.perf_counter() - t_warm > budget:
                    break
            times = []
            t0 = time.perf_counter()
            while len(times) < min_runs or time.perf_counter() - t0 < budget:
                a = time.perf_counter()
                f()
                times.append(time.perf_counter() - a)
            res[name] = times
        out["results"][str(n)] = res
    print(json.dumps(out))


if __name__ == "__main__":
    main()
