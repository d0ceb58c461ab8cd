//! The instance lifecycle every compute model shares: FaaS execution environments, container
//! instances (Cloud Run, Azure Flex) and, next, fleet VMs.
//!
//! An instance belongs to a *group* (a FaaS pool, a fleet) and has `capacity` request slots
//! (C = 1 for Lambda and Azure Consumption; C > 1 for Cloud Run, Azure Flex and servers):
//!
//! ```text
//! booting --ready--> ready (idle: 0 of C slots busy | busy: k of C) --drain--> draining --> stopped
//!    \______________________________________________________________________________/ stop
//! ```
//!
//! - **Booting**: launched, initialising. Requests may already take its free slots; they start
//!   when it is ready (`ready_at`).
//! - **Ready**: serving `busy` of its `capacity` slots; *idle* when `busy` is 0.
//! - **Draining**: takes no new request, stops when its last one ends (no model drains yet:
//!   a provisioned instance still busy when its schedule falls becomes an on-demand one
//!   instead, [`crate::platform::faas::provisioned`]; later, a fleet scaling in).
//! - **Stopped**: gone; its slot is reused by the next launch.
//!
//! Each group keeps intrusive lists of the instances that can take a request, with no
//! allocation per request: *warm* instances (ready with a free slot), split into
//! always-warm (provisioned) and on-demand ones, ordered by when a slot last freed or the
//! instance became ready (most recent first: a freshly booted instance goes to the front
//! when its boot ends, one loaded ready at once when it is launched); and *booting* instances
//! with a free slot, oldest first. Which warm instance
//! serves is the [`choice::IdleChoice`] policy, or with several slots per instance the
//! [`balance::WarmBalancer`] (`balancer`). Lifetimes (`launched_at` to the stop) are the
//! basis of instance-time billing.

pub mod balance;
pub mod choice;

use crate::engine::time::Micros;
pub use balance::WarmBalancer;
pub use choice::IdleChoice;

/// Index of an instance slot.
pub type InstanceId = u32;

/// The end of a list; also "no instance".
pub const NIL: InstanceId = u32::MAX;

/// Where an instance is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    Booting,
    Ready,
    Draining,
    Stopped,
}

/// One instance.
#[derive(Clone, Copy, Debug)]
pub struct Instance {
    pub group: u32,
    pub phase: Phase,
    /// Request slots in use.
    pub busy: u32,
    /// Always warm (provisioned concurrency, minimum instances): never reclaimed while so.
    pub always_warm: bool,
    pub launched_at: Micros,
    /// When it is (or was) ready to execute.
    pub ready_at: Micros,
    /// Launch order, for `idle_instance = "newest_created"`.
    pub created: u64,
    /// When `busy` last fell to 0 (or when it became ready idle).
    pub idle_since: Micros,
    /// When it first became idle ([`Micros::MAX`] until then), for `reset = "never"`.
    pub first_idle: Micros,
    /// Which list it is on, and its links there.
    list: ListKind,
    newer: InstanceId,
    older: InstanceId,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
enum ListKind {
    /// Warm, always-warm instances.
    WarmKept = 0,
    /// Warm, on-demand instances.
    Warm = 1,
    Booting = 2,
    None = 3,
}

#[derive(Clone, Copy, Debug)]
struct List {
    newest: InstanceId,
    oldest: InstanceId,
    len: u32,
}

const EMPTY: List = List {
    newest: NIL,
    oldest: NIL,
    len: 0,
};

/// The lists of one group, indexed by [`ListKind`].
type GroupLists = [List; 3];

/// All instances of one deployment.
#[derive(Clone, Debug)]
pub struct Instances {
    slots: Vec<Instance>,
    free: Vec<InstanceId>,
    groups: Vec<GroupLists>,
    capacity: u32,
    launched: u64,
}

impl Instances {
    /// Bytes one instance takes (slot, free-list entry), for the size estimate.
    pub const BYTES_PER_INSTANCE: usize =
        std::mem::size_of::<Instance>() + std::mem::size_of::<InstanceId>();

    /// No instance yet, `groups` groups, `capacity` request slots per instance (at least 1).
    pub fn new(groups: usize, capacity: u32) -> Self {
        let lists: GroupLists = [EMPTY; 3];
        Self {
            slots: Vec::new(),
            free: Vec::new(),
            groups: vec![lists; groups],
            capacity: capacity.max(1),
            launched: 0,
        }
    }

    /// Request slots per instance.
    #[inline]
    pub fn capacity(&self) -> u32 {
        self.capacity
    }

    /// Instances launched so far.
    pub fn launched(&self) -> u64 {
        self.launched
    }

    /// Instance `id`.
    #[inline]
    pub fn get(&self, id: InstanceId) -> &Instance {
        &self.slots[id as usize]
    }

    /// Every slot id ever used (stopped ones included), for closing the books.
    pub fn ids(&self) -> impl Iterator<Item = InstanceId> + use<> {
        0..self.slots.len() as InstanceId
    }

    /// Launches an instance of `group` at `now`, ready at `ready_at` (booting until then;
    /// `ready_at == now` makes it ready at once, idle, and listed warm).
    pub fn launch(
        &mut self,
        group: u32,
        now: Micros,
        ready_at: Micros,
        always_warm: bool,
    ) -> InstanceId {
        let fresh = Instance {
            group,
            phase: Phase::Booting,
            busy: 0,
            always_warm,
            launched_at: now,
            ready_at,
            created: self.launched,
            idle_since: ready_at,
            first_idle: Micros::MAX,
            list: ListKind::None,
            newer: NIL,
            older: NIL,
        };
        self.launched += 1;
        let id = match self.free.pop() {
            Some(id) => {
                self.slots[id as usize] = fresh;
                id
            }
            None => {
                self.slots.push(fresh);
                (self.slots.len() - 1) as InstanceId
            }
        };
        if ready_at <= now {
            self.slots[id as usize].phase = Phase::Ready;
        }
        self.relist(id);
        id
    }

    /// Booting instance `id` finished initialising.
    pub fn mark_ready(&mut self, id: InstanceId) {
        let inst = &mut self.slots[id as usize];
        debug_assert_eq!(inst.phase, Phase::Booting);
        inst.phase = Phase::Ready;
        self.unlink(id);
        self.relist(id);
    }

    /// A request takes a slot of `id` (which must have one free).
    #[inline(always)]
    pub fn take_slot(&mut self, id: InstanceId) {
        let inst = &mut self.slots[id as usize];
        debug_assert!(inst.busy < self.capacity);
        inst.busy += 1;
        if inst.busy == self.capacity {
            self.unlink(id);
        }
    }

    /// A request on `id` ended at `now`; true if the instance is now idle.
    #[inline]
    pub fn release_slot(&mut self, id: InstanceId, now: Micros) -> bool {
        let inst = &mut self.slots[id as usize];
        debug_assert!(inst.busy > 0);
        inst.busy -= 1;
        let idle = inst.busy == 0;
        if idle {
            inst.idle_since = now;
            inst.first_idle = inst.first_idle.min(now);
        }
        // The most recently freed slot goes to the front.
        self.unlink(id);
        self.relist(id);
        idle
    }

    /// Instance `id` stops taking requests; it stops when its last one ends.
    pub fn drain(&mut self, id: InstanceId) {
        self.unlink(id);
        let inst = &mut self.slots[id as usize];
        inst.phase = Phase::Draining;
        inst.always_warm = false;
    }

    /// Marks `id` always warm or not (a provisioned instance returned to on-demand).
    pub fn set_always_warm(&mut self, id: InstanceId, always_warm: bool) {
        self.unlink(id);
        self.slots[id as usize].always_warm = always_warm;
        self.relist(id);
    }

    /// Stops `id` (idle, or draining with nothing left); its slot is free for reuse.
    pub fn stop(&mut self, id: InstanceId) {
        self.unlink(id);
        let inst = &mut self.slots[id as usize];
        debug_assert_eq!(inst.busy, 0, "stopping a busy instance");
        inst.phase = Phase::Stopped;
        self.free.push(id);
    }

    /// The warm instance with a free slot that serves the next request of `group` (always-warm
    /// ones first), by `rule`; `unit` is a uniform in (0, 1) used by the random rule.
    #[inline(always)]
    pub fn choose_warm(&self, group: u32, rule: IdleChoice, unit: f64) -> Option<InstanceId> {
        let g = &self.groups[group as usize];
        if rule == IdleChoice::MostRecentlyUsed {
            // The common rule, without walking: the head of the first non-empty list.
            let at = if g[0].len > 0 {
                g[0].newest
            } else {
                g[1].newest
            };
            return (at != NIL).then_some(at);
        }
        for list in &g[..2] {
            if list.len > 0 {
                return Some(choice::pick(
                    self,
                    list.newest,
                    list.oldest,
                    list.len,
                    rule,
                    unit,
                ));
            }
        }
        None
    }

    /// How many warm instances (ready, with a free slot) `group` has.
    #[inline]
    pub fn warm_count(&self, group: u32) -> u32 {
        let g = &self.groups[group as usize];
        g[0].len + g[1].len
    }

    /// The warm instances of `group`: always-warm ones first, then on-demand ones, each most
    /// recently used first.
    pub fn warm(&self, group: u32) -> WarmInstances<'_> {
        let g = &self.groups[group as usize];
        WarmInstances {
            all: self,
            at: g[0].newest,
            next_list: g[1].newest,
        }
    }

    /// The booting instance of `group` with a free slot that launched first, if any.
    #[inline]
    pub fn booting_with_room(&self, group: u32) -> Option<InstanceId> {
        let b = self.groups[group as usize][ListKind::Booting as usize].oldest;
        (b != NIL).then_some(b)
    }

    /// Links towards less recently freed instances, for walking a list in [`choice`].
    #[inline]
    fn older(&self, id: InstanceId) -> InstanceId {
        self.slots[id as usize].older
    }

    /// Puts `id` at the front of the list its state says it belongs on (if any).
    #[inline]
    fn relist(&mut self, id: InstanceId) {
        let slots = &mut self.slots;
        let inst = slots[id as usize];
        debug_assert_eq!(inst.list, ListKind::None);
        if inst.busy >= self.capacity {
            return;
        }
        let kind = match inst.phase {
            Phase::Booting => ListKind::Booting,
            Phase::Ready if inst.always_warm => ListKind::WarmKept,
            Phase::Ready => ListKind::Warm,
            Phase::Draining | Phase::Stopped => return,
        };
        let list = &mut self.groups[inst.group as usize][kind as usize];
        let head = list.newest;
        list.newest = id;
        list.len += 1;
        if head == NIL {
            list.oldest = id;
        } else {
            slots[head as usize].newer = id;
        }
        let inst = &mut slots[id as usize];
        inst.list = kind;
        inst.newer = NIL;
        inst.older = head;
    }

    /// Takes `id` off its list (if it is on one).
    #[inline]
    fn unlink(&mut self, id: InstanceId) {
        let slots = &mut self.slots;
        let Instance {
            group,
            list: kind,
            newer,
            older,
            ..
        } = slots[id as usize];
        if kind == ListKind::None {
            return;
        }
        let list = &mut self.groups[group as usize][kind as usize];
        match newer {
            NIL => list.newest = older,
            n => slots[n as usize].older = older,
        }
        match older {
            NIL => list.oldest = newer,
            o => slots[o as usize].newer = newer,
        }
        list.len -= 1;
        slots[id as usize].list = ListKind::None;
    }
}

/// The warm instances of a group, in order ([`Instances::warm`]).
pub struct WarmInstances<'a> {
    all: &'a Instances,
    at: InstanceId,
    /// The head of the on-demand list, while the always-warm one is walked.
    next_list: InstanceId,
}

impl Iterator for WarmInstances<'_> {
    type Item = InstanceId;

    fn next(&mut self) -> Option<InstanceId> {
        if self.at == NIL {
            self.at = std::mem::replace(&mut self.next_list, NIL);
        }
        let at = self.at;
        (at != NIL).then(|| {
            self.at = self.all.older(at);
            at
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn warm_instances_are_offered_most_recently_freed_first() {
        let mut all = Instances::new(1, 1);
        let a = all.launch(0, 0, 0, false);
        let b = all.launch(0, 0, 0, false);
        all.take_slot(a);
        all.take_slot(b);
        assert_eq!(all.choose_warm(0, IdleChoice::MostRecentlyUsed, 0.5), None);
        assert!(all.release_slot(b, 10));
        assert!(all.release_slot(a, 20));
        assert_eq!(
            all.choose_warm(0, IdleChoice::MostRecentlyUsed, 0.5),
            Some(a)
        );
        assert_eq!(
            all.choose_warm(0, IdleChoice::LeastRecentlyUsed, 0.5),
            Some(b)
        );
        assert_eq!(all.choose_warm(0, IdleChoice::NewestCreated, 0.5), Some(b));
        assert_eq!(all.get(a).idle_since, 20);
    }

    #[test]
    fn a_booted_instance_goes_to_the_front_when_it_becomes_ready() {
        // Two slots each. `old` frees a slot at 10; `fresh`, launched at 5 and ready at 20
        // with one call waiting, is put in front of it when it becomes ready: the most
        // recently used rule offers the freshly booted instance first, the least recently
        // used rule the other.
        let mut all = Instances::new(1, 2);
        let old = all.launch(0, 0, 0, false);
        all.take_slot(old);
        all.take_slot(old);
        let fresh = all.launch(0, 5, 20, false);
        all.take_slot(fresh);
        all.release_slot(old, 10);
        assert_eq!(
            all.choose_warm(0, IdleChoice::MostRecentlyUsed, 0.5),
            Some(old)
        );
        all.mark_ready(fresh);
        assert_eq!(
            all.choose_warm(0, IdleChoice::MostRecentlyUsed, 0.5),
            Some(fresh)
        );
        assert_eq!(
            all.choose_warm(0, IdleChoice::LeastRecentlyUsed, 0.5),
            Some(old)
        );
        // An instance ready at launch (pre-warmed) goes to the front at once.
        let prewarmed = all.launch(0, 30, 30, false);
        assert_eq!(
            all.choose_warm(0, IdleChoice::MostRecentlyUsed, 0.5),
            Some(prewarmed)
        );
    }

    #[test]
    fn always_warm_instances_serve_first_and_slots_are_counted() {
        let mut all = Instances::new(2, 2);
        let on_demand = all.launch(1, 0, 0, false);
        let kept = all.launch(1, 0, 0, true);
        assert_eq!(
            all.choose_warm(1, IdleChoice::MostRecentlyUsed, 0.5),
            Some(kept)
        );
        all.take_slot(kept);
        // One of two slots taken: still offered.
        assert_eq!(
            all.choose_warm(1, IdleChoice::MostRecentlyUsed, 0.5),
            Some(kept)
        );
        all.take_slot(kept);
        assert_eq!(
            all.choose_warm(1, IdleChoice::MostRecentlyUsed, 0.5),
            Some(on_demand)
        );
        assert_eq!(all.choose_warm(0, IdleChoice::MostRecentlyUsed, 0.5), None);
    }

    #[test]
    fn booting_instances_offer_their_free_slots_until_ready() {
        let mut all = Instances::new(1, 3);
        let a = all.launch(0, 0, 100, false);
        assert_eq!(all.get(a).phase, Phase::Booting);
        all.take_slot(a);
        assert_eq!(all.booting_with_room(0), Some(a));
        assert_eq!(all.choose_warm(0, IdleChoice::MostRecentlyUsed, 0.5), None);
        all.mark_ready(a);
        assert_eq!(all.booting_with_room(0), None);
        assert_eq!(
            all.choose_warm(0, IdleChoice::MostRecentlyUsed, 0.5),
            Some(a)
        );
    }

    #[test]
    fn a_draining_instance_takes_no_new_request_and_is_never_relisted() {
        // Two slots, one busy; draining takes it off the warm list, and freeing its last
        // slot does not put it back: it waits to be stopped.
        let mut all = Instances::new(1, 2);
        let a = all.launch(0, 0, 0, true);
        all.take_slot(a);
        all.drain(a);
        assert_eq!(all.get(a).phase, Phase::Draining);
        assert!(!all.get(a).always_warm);
        assert_eq!(all.choose_warm(0, IdleChoice::MostRecentlyUsed, 0.5), None);
        assert!(all.release_slot(a, 7));
        assert_eq!(all.choose_warm(0, IdleChoice::LeastRecentlyUsed, 0.5), None);
        all.stop(a);
        assert_eq!(all.launch(0, 8, 8, false), a);
    }

    #[test]
    fn stopped_slots_are_reused() {
        let mut all = Instances::new(1, 1);
        let a = all.launch(0, 0, 0, false);
        all.stop(a);
        assert_eq!(all.choose_warm(0, IdleChoice::MostRecentlyUsed, 0.5), None);
        let b = all.launch(0, 5, 5, false);
        assert_eq!(a, b);
        assert_eq!(all.launched(), 2);
        assert_eq!(all.get(b).created, 1);
    }
}
