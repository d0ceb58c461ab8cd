//! One request stream read once and handed to several deployments.
//!
//! A run compares deployments on the same requests (common random numbers). Rather than each
//! deployment regenerating the stream (drawing every arrival and execution time again, or
//! parsing the trace again), a [`Broadcast`] pulls each request from the one stream once,
//! packs the requests into shared blocks of [`BLOCK`] and sends every block to every
//! deployment's [`SharedStream`], which hands its requests out one at a time exactly as the
//! stream would have.
//!
//! Each consumer's channel holds at most [`DEPTH`] blocks, so the producer is never more than
//! that many blocks ahead of the slowest consumer and memory is bounded by the block size
//! (about `(DEPTH + 2) x BLOCK` requests of 40 bytes, whatever the length of the stream or the
//! number of consumers: the blocks are shared, not copied). A consumer that stops early (its
//! deployment failed) is dropped from the broadcast; when every consumer has gone the producer
//! stops. An error of the stream (a trace malformed part-way) is passed to every consumer in
//! place of the rest of the stream, as each would have met it.
//!
//! The producer and the consumers each need their own thread (they block on the channels), so
//! [`crate::run`] runs them on scoped OS threads, never on rayon's pool, where blocking tasks
//! could wait on each other with too few workers.

use std::sync::Arc;
use std::sync::mpsc::{Receiver, SyncSender, TrySendError, sync_channel};

use super::{Request, RequestStream};
use crate::error::SimError;

/// Requests per block: 80 KB, which stays in a core's cache while consumers read it.
pub const BLOCK: usize = 2048;
/// Blocks in flight per consumer.
pub const DEPTH: usize = 4;

/// What a consumer receives: a block of requests in order, or the stream's error (then
/// nothing more). The error is its message, the only part every consumer can share.
type Message = Result<Arc<[Request]>, String>;

/// The producing side: the stream, and one channel per consumer still reading.
pub struct Broadcast {
    stream: RequestStream,
    consumers: Vec<Option<SyncSender<Message>>>,
}

/// One consumer's view: the requests of the broadcast stream, in order.
pub struct SharedStream {
    receiver: Receiver<Message>,
    block: Arc<[Request]>,
    next: usize,
}

/// A broadcast of `stream` to `consumers` readers: the producer (run it with
/// [`Broadcast::run`] on its own thread) and one [`SharedStream`] per consumer.
pub fn broadcast(stream: RequestStream, consumers: usize) -> (Broadcast, Vec<SharedStream>) {
    let (senders, receivers): (Vec<_>, Vec<_>) =
        (0..consumers).map(|_| sync_channel(DEPTH)).unzip();
    let producer = Broadcast {
        stream,
        consumers: senders.into_iter().map(Some).collect(),
    };
    let streams = receivers
        .into_iter()
        .map(|receiver| SharedStream {
            receiver,
            block: Arc::from(Vec::new()),
            next: 0,
        })
        .collect();
    (producer, streams)
}

impl Broadcast {
    /// Reads the whole stream, sending each block to every consumer still reading; returns
    /// when the stream ends, fails, or every consumer has gone.
    pub fn run(mut self) {
        loop {
            let mut block = Vec::with_capacity(BLOCK);
            let mut error = None;
            while block.len() < BLOCK {
                match self.stream.next_request() {
                    Ok(Some(request)) => block.push(request),
                    Ok(None) => break,
                    Err(e) => {
                        error = Some(e.to_string());
                        break;
                    }
                }
            }
            let last = block.len() < BLOCK;
            if !block.is_empty() && !self.send(Ok(Arc::from(block))) {
                return;
            }
            if let Some(message) = error {
                self.send(Err(message));
                return;
            }
            if last {
                return; // dropping the senders ends every consumer's stream
            }
        }
    }

    /// Sends `message` to every consumer still reading (waiting while a channel is full);
    /// false when none is left.
    fn send(&mut self, message: Message) -> bool {
        for slot in &mut self.consumers {
            let Some(sender) = slot else { continue };
            let gone = match sender.try_send(message.clone()) {
                Ok(()) => false,
                Err(TrySendError::Full(message)) => sender.send(message).is_err(),
                Err(TrySendError::Disconnected(_)) => true,
            };
            if gone {
                *slot = None;
            }
        }
        self.consumers.iter().any(Option::is_some)
    }
}

impl SharedStream {
    /// The next request in arrival order, `Ok(None)` at the end; the stream's error where the
    /// producer met one.
    #[inline]
    pub fn next_request(&mut self) -> Result<Option<Request>, SimError> {
        if let Some(&request) = self.block.get(self.next) {
            self.next += 1;
            return Ok(Some(request));
        }
        self.next_block()
    }

    #[cold]
    fn next_block(&mut self) -> Result<Option<Request>, SimError> {
        match self.receiver.recv() {
            Ok(Ok(block)) => {
                self.block = block;
                self.next = 1;
                Ok(self.block.first().copied())
            }
            Ok(Err(message)) => Err(SimError::Invalid(message)),
            Err(_) => Ok(None), // the producer finished: the stream has ended
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Streams;
    use crate::workload::{ArrivalProcess, DurationDist, FunctionSpec, Source, Workload};

    /// Two functions, Poisson arrivals, over `seconds`.
    fn workload() -> Workload {
        let function = |name: &str| FunctionSpec {
            name: name.into(),
            app: "a".into(),
            memory_mb: 128,
            exec: DurationDist::Constant { ms: 5.0 },
            calls: Vec::new(),
            faas: Default::default(),
        };
        Workload {
            functions: vec![function("f"), function("g")],
            source: Source::Synthetic(vec![
                ArrivalProcess::Poisson { rate: 3.0 },
                ArrivalProcess::Poisson { rate: 1.5 },
            ]),
        }
    }

    fn drain(mut next: impl FnMut() -> Result<Option<Request>, SimError>) -> Vec<Request> {
        let mut out = Vec::new();
        while let Some(r) = next().unwrap() {
            out.push(r);
        }
        out
    }

    #[test]
    fn every_consumer_gets_the_stream_exactly() {
        let w = workload();
        let end = 3_600 * crate::engine::time::SECOND;
        let streams = Streams::new(9, 0);
        let mut own = w.open(streams, end).unwrap();
        let expected = drain(|| own.next_request());
        // About 16,200 requests: several whole blocks and a part block.
        assert!(expected.len() > 3 * BLOCK, "{}", expected.len());
        let (producer, consumers) = broadcast(w.open(streams, end).unwrap(), 3);
        let got: Vec<Vec<Request>> = std::thread::scope(|s| {
            s.spawn(|| producer.run());
            let handles: Vec<_> = consumers
                .into_iter()
                .map(|mut c| s.spawn(move || drain(|| c.next_request())))
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        for g in got {
            assert_eq!(g, expected);
        }
    }

    #[test]
    fn a_consumer_that_stops_early_does_not_hold_up_the_others() {
        let w = workload();
        let end = 3_600 * crate::engine::time::SECOND;
        let streams = Streams::new(9, 0);
        let (producer, mut consumers) = broadcast(w.open(streams, end).unwrap(), 2);
        let quitter = consumers.pop().unwrap();
        let mut reader = consumers.pop().unwrap();
        let n = std::thread::scope(|s| {
            s.spawn(|| producer.run());
            drop(quitter);
            s.spawn(move || drain(|| reader.next_request()).len())
                .join()
                .unwrap()
        });
        let mut own = w.open(streams, end).unwrap();
        assert_eq!(n, drain(|| own.next_request()).len());
    }
}
