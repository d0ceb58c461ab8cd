//! The examples and exit codes each command's `--help` ends with (clap `after_help`). Every
//! example line is parsed by the command-line parser in the tests, so none can name a flag
//! that does not exist.

/// Exit codes, the same for every command.
macro_rules! exit_codes {
    () => {
        "Exit codes:
  0    done
  1    an input failed: a scenario or trace file missing or invalid, an output folder that
       cannot be used, a run above the size limits, a report not written
  2    the command line is wrong: an unknown command or flag, a missing argument, a bad flag
       value, an unknown preset name
  130  interrupted (Ctrl-C, SIGTERM); the report being written is deleted"
    };
}

pub const TOP: &str = concat!(
    "Examples:\n",
    "  serverless-sim check scenarios/web-api.toml      # validate, print rates and the run's size\n",
    "  serverless-sim run scenarios/web-api.toml        # simulate; reports in reports/web-api/\n",
    "  serverless-sim trace inspect scenarios/traces/azure2019-100fn\n",
    "  serverless-sim pricing show aws-lambda-x86\n",
    "  serverless-sim sweep scenarios/break-even.toml --param load=0.1..100:log25\n",
    "  serverless-sim help run                          # a command's flags and examples\n\n",
    exit_codes!()
);

pub const RUN: &str = concat!(
    "Examples:\n",
    "  serverless-sim run scenarios/web-api.toml                        # reports in reports/web-api/\n",
    "  serverless-sim run scenarios/web-api.toml --out /tmp/web-api     # somewhere else\n",
    "  serverless-sim run scenarios/azure-sample.toml --seed 7 --threads 2 --quiet\n",
    "  serverless-sim run scenarios/web-api.toml --replications 5       # means with 95% confidence\n",
    "  serverless-sim run scenarios/web-api.toml --format json          # summary.json, printed too\n",
    "  serverless-sim run big.toml --allow-large                        # past the size limits\n",
    "  serverless-sim run trace.toml --shard 0/4 --out parts/0          # one of 4 shards (apps by hash)\n\n",
    exit_codes!()
);

pub const SWEEP: &str = concat!(
    "Examples:\n",
    "  serverless-sim sweep scenarios/break-even.toml --param load=0.1..100:log25   # where FaaS stops being cheaper\n",
    "  serverless-sim sweep scenarios/break-even.toml --param load=1,10,100 --replications 5\n",
    "  serverless-sim sweep scenarios/web-api.toml --param workload.functions[0].memory=128MB,512MB,1024MB\n",
    "  serverless-sim sweep scenarios/web-api.toml --param deployments[2].compute.instances=1..4:4 --out /tmp/fleet\n\n",
    exit_codes!()
);

pub const MERGE: &str = concat!(
    "Examples:\n",
    "  serverless-sim sweep scenarios/break-even.toml --param load=0.1..100:log25 --shard 0/3   # and 1/3, 2/3\n",
    "  serverless-sim merge reports/break-even-sweep reports/break-even-sweep-parts\n",
    "  serverless-sim sweep scenarios/break-even.toml --param load=0.1..100:log25 --shard 0/3 --after reports/break-even-sweep-parts\n",
    "  for k in 0 1 2 3; do serverless-sim run trace.toml --shard $k/4 --out parts/$k; done\n",
    "  serverless-sim merge reports/trace parts/0 parts/1 parts/2 parts/3   # = `run trace.toml`\n",
    "  serverless-sim run trace.toml --shard auto/4 --out parts/$JOB_COMPLETION_INDEX   # in a job array\n\n",
    "Exit codes:
  0    done: the reports are written
  1    the parts cannot be merged: not parts of one sweep or run, a shard missing or given twice,
       an output folder that cannot be used, a report not written
  2    the command line is wrong
  3    the break-even refinement needs another round of runs: nothing was written; the
       commands that run and merge it are printed
  130  interrupted (Ctrl-C, SIGTERM); the report being written is deleted"
);

pub const CHECK: &str = concat!(
    "Examples:\n",
    "  serverless-sim check scenarios/web-api.toml\n",
    "  serverless-sim check big.toml --allow-large     # a run above the size limits is not an error\n\n",
    exit_codes!()
);

pub const PRICING: &str = concat!(
    "Examples:\n",
    "  serverless-sim pricing list\n",
    "  serverless-sim pricing show aws-lambda-x86\n",
    "  serverless-sim pricing show aws-dynamodb-on-demand --format json\n\n",
    exit_codes!()
);

pub const PRICING_LIST: &str = concat!(
    "Examples:\n",
    "  serverless-sim pricing list\n",
    "  serverless-sim pricing list --format json\n\n",
    exit_codes!()
);

pub const PRICING_SHOW: &str = concat!(
    "Examples:\n",
    "  serverless-sim pricing show aws-lambda-x86\n",
    "  serverless-sim pricing show gcp-cloud-run-request --format json\n\n",
    exit_codes!()
);

pub const TRACE: &str = concat!(
    "Examples:\n",
    "  serverless-sim trace inspect scenarios/traces/azure2019-100fn\n",
    "  serverless-sim trace inspect my-logs.csv --format csv --out /tmp/my-logs\n\n",
    exit_codes!()
);

pub const TRACE_INSPECT: &str = TRACE;
