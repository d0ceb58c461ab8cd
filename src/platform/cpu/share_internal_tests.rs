//! Tests of [`SharedCpu`] that look at its insides (allocation, clock restarts).

use super::*;

#[test]
fn nothing_is_allocated_after_warm_up() {
    let mut cpu = SharedCpu::with_capacity(2.0, 8);
    let (heap, table) = (cpu.classes[0].heap.capacity(), cpu.position.len());
    let mut now = 0;
    for round in 0..1000u64 {
        for job in 0..8 {
            cpu.add(now, job, 100 + round % 7 + u64::from(job));
        }
        while let Some((at, _)) = cpu.next_finish() {
            now = at;
            while cpu.finish(now).is_some() {}
        }
    }
    assert_eq!(
        (cpu.classes[0].heap.capacity(), cpu.position.len()),
        (heap, table)
    );
    assert!(heap >= 8);
}

#[test]
fn an_idle_cpu_restarts_its_clock() {
    let mut cpu = SharedCpu::new(1.0);
    cpu.add(0, 0, 10);
    assert_eq!(cpu.finish(10), Some(0));
    assert_eq!(cpu.classes[0].clock, 0);
    // The idle gap does not count as service.
    cpu.add(50, 1, 10);
    assert_eq!(cpu.next_finish(), Some((60, 1)));
}
