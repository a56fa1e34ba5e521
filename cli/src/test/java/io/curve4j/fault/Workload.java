package io.curve4j.fault;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

import io.curve4j.sdk.block.Volume;

/**
 * A mixed read/write load (70 % writes of 1-16 blocks, 30 % reads) from several threads,
 * each owning its own 1 MiB stripes of the volume so that a read can be checked against
 * the owner's last acknowledged write while the load runs. Records every error and the
 * longest single I/O (the stall a client sees).
 */
final class Workload implements AutoCloseable {

	private static final int STRIPE_BLOCKS = 256;

	private final Volume volume;

	private final Verifier verifier;

	private final int threads;

	private final long stripes;

	private final List<Thread> workers = new ArrayList<>();

	private final List<String> errors = Collections.synchronizedList(new ArrayList<>());

	private final AtomicLong ops = new AtomicLong();

	private final AtomicLong maxNanos = new AtomicLong();

	private volatile boolean stop;

	/**
	 * @param bytes size of the region loaded, from offset 0; a multiple of the 1 MiB
	 * stripe times threads
	 */
	Workload(Volume volume, Verifier verifier, int threads, long bytes) {
		this.volume = volume;
		this.verifier = verifier;
		this.threads = threads;
		this.stripes = bytes / (STRIPE_BLOCKS * (long) Verifier.BLOCK);
	}

	Workload start() {
		for (int t = 0; t < this.threads; t++) {
			int owner = t;
			Thread worker = new Thread(() -> run(owner), "fault-load-" + t);
			worker.setDaemon(true);
			worker.start();
			this.workers.add(worker);
		}
		return this;
	}

	private void run(int owner) {
		SplittableRandom random = new SplittableRandom(owner * 7919L + System.nanoTime());
		while (!this.stop) {
			long stripe = owner + (long) this.threads * random.nextLong(this.stripes / this.threads);
			int count = 1 + random.nextInt(16);
			long first = stripe * STRIPE_BLOCKS + random.nextInt(STRIPE_BLOCKS - count + 1);
			long started = System.nanoTime();
			if (random.nextInt(10) < 7) {
				long[] generations = new long[count];
				byte[] data = this.verifier.prepare(first, count, generations);
				try {
					this.volume.write(first * Verifier.BLOCK, data);
					this.verifier.acknowledged(first, data, generations);
				}
				catch (RuntimeException ex) {
					this.verifier.failed(first, data, generations);
					this.errors.add("write of block " + first + ": " + ex);
				}
			}
			else {
				try {
					List<String> problems = this.verifier.check(first, this.volume.read(first * Verifier.BLOCK,
							count * Verifier.BLOCK));
					this.errors.addAll(problems);
				}
				catch (RuntimeException ex) {
					this.errors.add("read of block " + first + ": " + ex);
				}
			}
			long took = System.nanoTime() - started;
			this.maxNanos.accumulateAndGet(took, Math::max);
			this.ops.incrementAndGet();
		}
	}

	/** Longest single I/O since the last call, in milliseconds; resets the figure. */
	long takeLongestStallMillis() {
		return this.maxNanos.getAndSet(0) / 1_000_000;
	}

	long ops() {
		return this.ops.get();
	}

	List<String> errors() {
		synchronized (this.errors) {
			return List.copyOf(this.errors);
		}
	}

	/** Stops the load and waits for the I/O in flight to finish. */
	void stop() {
		this.stop = true;
		try {
			for (Thread worker : this.workers) {
				worker.join(120_000);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@Override
	public void close() {
		stop();
	}

}
