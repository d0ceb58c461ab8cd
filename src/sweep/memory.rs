//! The memory-tuning side of a sweep over one function's `memory`: each FaaS deployment's
//! cheapest, fastest and balanced size, chosen among the points where it serves the workload
//! (drawn by [`super::memory_chart`]).

use super::SweepResult;
use super::figures::Figure;

/// The points of deployment `d` among which the memory choices are made: those where it
/// serves the workload and has both a cost per million requests and a p95 latency. Their
/// indexes into the sweep's points, their costs and their p95s.
pub fn memory_candidates(result: &SweepResult, d: usize) -> (Vec<usize>, Vec<f64>, Vec<f64>) {
    let mut out = (Vec::new(), Vec::new(), Vec::new());
    for (i, p) in result.points.iter().enumerate() {
        let runs = &p.deployments[d];
        if runs.serves() != Some(true) {
            continue;
        }
        let mean = |f: Figure| f.estimate(&runs.replications).map(|e| e.mean);
        if let (Some(c), Some(l)) = (
            mean(Figure::UsdPerMillionRequests),
            mean(Figure::LatencyP95),
        ) {
            out.0.push(i);
            out.1.push(c);
            out.2.push(l);
        }
    }
    out
}

/// The cheapest, fastest and balanced point of one deployment's memory sweep: indexes into
/// `costs` / `p95s` (equal lengths, aligned with the sweep's points).
///
/// Ties: the fastest is the cheaper of equally fast points, the balanced the cheaper of
/// equal scores, then the earlier point; the cheapest is the earlier of equally cheap ones
/// (the smaller memory in a sweep written smallest first). So a memory that buys no speed (above 1,769 MB for a `max_vcpus = 1` function on Lambda:
/// the same p95, a higher cost) is never called the fastest.
pub fn memory_choices(costs: &[f64], p95s: &[f64]) -> Option<(usize, usize, usize)> {
    if costs.is_empty() || costs.len() != p95s.len() {
        return None;
    }
    // The first index minimising `key`, then `tie` (compared exactly).
    let argmin = |key: &[f64], tie: &[f64]| {
        (0..key.len()).fold(0, |best, i| {
            if (key[i], tie[i]) < (key[best], tie[best]) {
                i
            } else {
                best
            }
        })
    };
    let first = vec![0.0; costs.len()];
    let (cheapest, fastest) = (argmin(costs, &first), argmin(p95s, costs));
    let score: Vec<f64> = costs
        .iter()
        .zip(p95s)
        .map(|(c, l)| c / costs[cheapest] + l / p95s[fastest])
        .collect();
    Some((cheapest, fastest, argmin(&score, costs)))
}

/// True for a sweep over one function's memory (`workload.functions[i].memory`).
pub fn is_memory_sweep(result: &SweepResult) -> bool {
    result.plan.params.len() == 1 && result.plan.params[0].path.ends_with(".memory")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_choices_by_hand() {
        // Cost per 1M: 10, 8, 9, 12; p95: 400, 250, 120, 100 ms. Cheapest index 1, fastest 3;
        // scores 10/8 + 400/100 = 5.25, 1 + 2.5 = 3.5, 1.125 + 1.2 = 2.325, 1.5 + 1 = 2.5.
        let got = memory_choices(&[10.0, 8.0, 9.0, 12.0], &[400.0, 250.0, 120.0, 100.0]);
        assert_eq!(got, Some((1, 3, 2)));
        assert_eq!(memory_choices(&[], &[]), None);
    }

    #[test]
    fn ties_go_to_the_cheaper_point_whatever_the_order() {
        // A max_vcpus = 1 function on Lambda: 1769, 3008 and 4096 MB give the same p95
        // (200 ms) at growing costs 10, 12, 14; 1024 MB is slower (350 ms) and cheaper (8).
        // Fastest: 1769 MB (the cheapest of the 200 ms ones). Scores against cheapest 8
        // and fastest 200: 1024: 1 + 1.75 = 2.75; 1769: 1.25 + 1 = 2.25; 3008: 2.5;
        // 4096: 2.75. Balanced: 1769 MB.
        let costs = [8.0, 10.0, 12.0, 14.0];
        let p95s = [350.0, 200.0, 200.0, 200.0];
        assert_eq!(memory_choices(&costs, &p95s), Some((0, 1, 1)));
        // The same points largest first: still 1769 MB for both.
        let costs = [14.0, 12.0, 10.0, 8.0];
        let p95s = [200.0, 200.0, 200.0, 350.0];
        assert_eq!(memory_choices(&costs, &p95s), Some((3, 2, 2)));
        // Equally cheap: the earlier is the cheapest (the fastest and balanced: the other).
        assert_eq!(
            memory_choices(&[5.0, 5.0], &[300.0, 250.0]),
            Some((0, 1, 1))
        );
    }
}
