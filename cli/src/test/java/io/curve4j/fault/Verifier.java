package io.curve4j.fault;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.CRC32C;

import io.curve4j.sdk.block.Volume;

/**
 * Remembers, per block of a volume, the generation and content hash of the last
 * acknowledged write, and checks reads against it. A block's content is derived from
 * (block, generation), so nothing but the hash is kept. A write that failed leaves its
 * blocks uncertain: either the old or the new content is then acceptable. The one record
 * of acknowledged writes of the end-to-end tests.
 */
public final class Verifier {

	public static final int BLOCK = 4096;

	/** One acknowledged write of a block; {@code previousHash} is also accepted while uncertain. */
	record Entry(long generation, long hash, long previousHash, boolean uncertain) {
	}

	private final Map<Long, Entry> blocks = new ConcurrentHashMap<>();

	static byte[] content(long block, long generation) {
		byte[] data = new byte[BLOCK];
		new SplittableRandom(block * 1_000_003L + generation).nextBytes(data);
		return data;
	}

	static long hash(byte[] data, int offset, int length) {
		CRC32C crc = new CRC32C();
		crc.update(data, offset, length);
		return crc.getValue();
	}

	/** Data for a write of {@code count} blocks from {@code first}, at the next generation of each. */
	public byte[] prepare(long first, int count, long[] generations) {
		byte[] data = new byte[count * BLOCK];
		for (int i = 0; i < count; i++) {
			Entry e = this.blocks.get(first + i);
			generations[i] = e == null ? 1 : e.generation() + 1;
			System.arraycopy(content(first + i, generations[i]), 0, data, i * BLOCK, BLOCK);
		}
		return data;
	}

	public void acknowledged(long first, byte[] data, long[] generations) {
		for (int i = 0; i < generations.length; i++) {
			this.blocks.put(first + i, new Entry(generations[i], hash(data, i * BLOCK, BLOCK), 0, false));
		}
	}

	public void failed(long first, byte[] data, long[] generations) {
		for (int i = 0; i < generations.length; i++) {
			Entry old = this.blocks.get(first + i);
			long previous = old == null ? hash(new byte[BLOCK], 0, BLOCK) : old.hash();
			this.blocks.put(first + i, new Entry(generations[i], hash(data, i * BLOCK, BLOCK), previous, true));
		}
	}

	/** Problems with the blocks of one read; empty when every block holds what was acknowledged. */
	public List<String> check(long first, byte[] read) {
		List<String> problems = new ArrayList<>();
		long zeros = hash(new byte[BLOCK], 0, BLOCK);
		for (int i = 0; i < read.length / BLOCK; i++) {
			Entry e = this.blocks.get(first + i);
			long actual = hash(read, i * BLOCK, BLOCK);
			boolean ok = e == null ? actual == zeros
					: actual == e.hash() || (e.uncertain() && actual == e.previousHash());
			if (!ok) {
				problems.add("block " + (first + i) + " does not hold generation "
						+ (e == null ? "0 (never written)" : e.generation()));
			}
		}
		return problems;
	}

	public int size() {
		return this.blocks.size();
	}

	/** Reads back every remembered block (runs of up to 64 blocks per read). */
	public List<String> verifyAll(Volume volume) {
		List<Long> all = new ArrayList<>(this.blocks.keySet());
		all.sort(Long::compare);
		List<String> problems = new ArrayList<>();
		int i = 0;
		while (i < all.size()) {
			int j = i;
			while (j + 1 < all.size() && all.get(j + 1) == all.get(j) + 1 && j - i < 63) {
				j++;
			}
			long first = all.get(i);
			problems.addAll(check(first, volume.read(first * BLOCK, (j - i + 1) * BLOCK)));
			i = j + 1;
		}
		return problems;
	}

}
