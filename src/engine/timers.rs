//! Keyed, cancellable timers on the engine's event list.
//!
//! A model owns one [`Timers`] per family of timers (an instance's keep-alive, a pool's
//! pre-warm...) and names each timer by a dense [`TimerId`] of its choosing (an instance slot,
//! a pool index). Setting a timer again replaces its deadline; cancelling it makes its pending
//! entry stale. The stale-entry check is a generation count kept here, so models never
//! hand-roll it.
//!
//! Timers are housekeeping events ([`Sim::schedule_housekeeping`]): one that would fire past
//! the run's horizon is dropped with the rest (see the engine's module docs). A family made
//! with [`Timers::for_work`] is work instead, for deadlines a request in flight waits on.
//!
//! **Lazy extension.** Moving a deadline *later* does not push a new entry: the pending entry
//! pops at the old time, sees the later deadline and re-queues itself once. Moving it *earlier*
//! pushes a new entry and retires the old one. So a timer has at most one live entry in the
//! event list however often it is re-armed: a keep-alive timer reset by every request costs
//! O(instances) of memory, not O(rate x idle timeout).

use super::Sim;
use super::time::Micros;

/// Names one timer of a [`Timers`] family: dense, chosen by the model.
pub type TimerId = u32;

/// What a timer's pending entry carries through the event list: which timer, which arming.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TimerTick {
    pub id: TimerId,
    generation: u32,
}

const NEVER: Micros = Micros::MAX;

#[derive(Clone, Copy, Debug)]
struct Slot {
    /// When the timer is due; [`NEVER`] when it is not set.
    due: Micros,
    /// When its live entry pops; [`NEVER`] when none is pending.
    queued: Micros,
    /// Generation of the live entry; older entries are stale.
    generation: u32,
}

const UNSET: Slot = Slot {
    due: NEVER,
    queued: NEVER,
    generation: 0,
};

/// A family of timers, indexed by [`TimerId`].
#[derive(Clone, Debug, Default)]
pub struct Timers {
    slots: Vec<Slot>,
    /// Entries are work events (they keep a run alive: a request in flight waits on them).
    work: bool,
}

impl Timers {
    /// No timer set.
    pub fn new() -> Self {
        Self::default()
    }

    /// No timer set; the timers of this family are *work* ([`Sim::schedule`]), not
    /// housekeeping: for deadlines a request in flight waits on (its CPU share finishing, its
    /// timeout), which must fire even past the window's end.
    pub fn for_work() -> Self {
        Self {
            slots: Vec::new(),
            work: true,
        }
    }

    /// Sets timer `id` to fire at `due` (replacing any deadline it had). `tick` wraps the
    /// timer's entry into the model's event type. A deadline at the clock's end
    /// ([`Micros::MAX`], after saturating arithmetic) never fires.
    #[inline]
    pub fn set<E: Copy>(
        &mut self,
        id: TimerId,
        due: Micros,
        sim: &mut Sim<E>,
        tick: impl FnOnce(TimerTick) -> E,
    ) {
        let slot = match self.slots.get_mut(id as usize) {
            Some(slot) => slot,
            None => self.grow(id),
        };
        slot.due = due;
        if due < slot.queued {
            // Earlier than the live entry (or none pending): a new entry, the old one stale.
            self.queue_entry(id, due, sim, tick);
        }
    }

    #[cold]
    #[inline(never)]
    fn grow(&mut self, id: TimerId) -> &mut Slot {
        self.slots.resize(id as usize + 1, UNSET);
        &mut self.slots[id as usize]
    }

    /// Pushes the live entry of timer `id`, due at `due`.
    #[inline(never)]
    fn queue_entry<E: Copy>(
        &mut self,
        id: TimerId,
        due: Micros,
        sim: &mut Sim<E>,
        tick: impl FnOnce(TimerTick) -> E,
    ) {
        let slot = &mut self.slots[id as usize];
        slot.generation = slot.generation.wrapping_add(1);
        slot.queued = due;
        let entry = tick(TimerTick {
            id,
            generation: slot.generation,
        });
        if self.work {
            sim.schedule(due, entry);
        } else {
            sim.schedule_housekeeping(due, entry);
        }
    }

    /// Cancels timer `id` (nothing happens if it is not set).
    #[inline]
    pub fn cancel(&mut self, id: TimerId) {
        if let Some(slot) = self.slots.get_mut(id as usize) {
            slot.due = NEVER;
        }
    }

    /// When timer `id` is due, if it is set.
    pub fn due(&self, id: TimerId) -> Option<Micros> {
        self.slots
            .get(id as usize)
            .map(|s| s.due)
            .filter(|&d| d != NEVER)
    }

    /// Handles a popped entry: true if the timer fires now (it is then no longer set); false
    /// for a stale entry, or one whose deadline moved later (it re-queued itself).
    #[inline]
    pub fn fire<E: Copy>(
        &mut self,
        entry: TimerTick,
        sim: &mut Sim<E>,
        tick: impl FnOnce(TimerTick) -> E,
    ) -> bool {
        let Some(slot) = self.slots.get_mut(entry.id as usize) else {
            return false;
        };
        if slot.generation != entry.generation {
            return false; // superseded by an earlier deadline
        }
        slot.queued = NEVER;
        let due = slot.due;
        if due == NEVER {
            return false; // cancelled
        }
        if due > sim.now() {
            self.set(entry.id, due, sim, tick); // extended while pending
            return false;
        }
        self.slots[entry.id as usize].due = NEVER;
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::Recorder;

    #[derive(Clone, Copy, Debug)]
    struct Tick(TimerTick);

    fn sim() -> Sim<Tick> {
        Sim::new(1_000_000, Recorder::new(1_000_000, 1_000_000, 0))
    }

    /// Pops every entry, returning the times at which a timer actually fired.
    fn drain(timers: &mut Timers, sim: &mut Sim<Tick>) -> Vec<(Micros, TimerId)> {
        let mut fired = Vec::new();
        while let Some((t, Tick(entry), _)) = sim.queue.pop_marked() {
            sim.now = t;
            if timers.fire(entry, sim, Tick) {
                fired.push((t, entry.id));
            }
        }
        fired
    }

    #[test]
    fn fires_once_at_the_latest_deadline_set() {
        let mut timers = Timers::new();
        let mut s = sim();
        timers.set(0, 100, &mut s, Tick);
        timers.set(0, 250, &mut s, Tick); // later: no new entry
        assert_eq!(s.pending_events(), 1);
        timers.set(1, 50, &mut s, Tick);
        assert_eq!(drain(&mut timers, &mut s), vec![(50, 1), (250, 0)]);
        assert_eq!(timers.due(0), None);
    }

    #[test]
    fn an_earlier_deadline_retires_the_pending_entry() {
        let mut timers = Timers::new();
        let mut s = sim();
        timers.set(3, 500, &mut s, Tick);
        timers.set(3, 200, &mut s, Tick);
        assert_eq!(drain(&mut timers, &mut s), vec![(200, 3)]);
    }

    #[test]
    fn cancelled_timers_do_not_fire_and_can_be_set_again() {
        let mut timers = Timers::new();
        let mut s = sim();
        timers.set(0, 100, &mut s, Tick);
        timers.cancel(0);
        assert_eq!(timers.due(0), None);
        assert!(drain(&mut timers, &mut s).is_empty());
        s.now = 150;
        timers.set(0, 300, &mut s, Tick);
        assert_eq!(drain(&mut timers, &mut s), vec![(300, 0)]);
    }

    #[test]
    fn re_arming_a_thousand_times_keeps_one_entry() {
        let mut timers = Timers::new();
        let mut s = sim();
        for k in 0..1_000 {
            timers.set(7, 1_000 + k, &mut s, Tick);
        }
        assert_eq!(s.pending_events(), 1);
        assert_eq!(drain(&mut timers, &mut s), vec![(1_999, 7)]);
    }

    #[test]
    fn work_timers_queue_work_entries_even_when_they_re_queue_themselves() {
        let mut timers = Timers::for_work();
        let mut s = sim();
        timers.set(0, 100, &mut s, Tick);
        timers.set(0, 2_000_000, &mut s, Tick); // past the window, extended lazily
        assert_eq!(s.work_pending, 1);
        let (t, Tick(entry), housekeeping) = s.queue.pop_marked().unwrap();
        assert_eq!((t, housekeeping), (100, false));
        s.work_pending -= 1;
        s.now = t;
        assert!(!timers.fire(entry, &mut s, Tick)); // re-queued at the later deadline
        assert_eq!(s.work_pending, 1);
        let (t, _, housekeeping) = s.queue.pop_marked().unwrap();
        assert_eq!((t, housekeeping), (2_000_000, false));
        // The plain family stays housekeeping.
        Timers::new().set(1, 100, &mut s, Tick);
        assert!(s.queue.pop_marked().unwrap().2);
    }

    #[test]
    fn a_deadline_at_the_clock_end_never_fires() {
        let mut timers = Timers::new();
        let mut s = sim();
        timers.set(0, Micros::MAX, &mut s, Tick);
        assert_eq!(s.pending_events(), 0);
        assert!(drain(&mut timers, &mut s).is_empty());
    }
}
