package io.curve4j.common.raft;

import java.util.concurrent.TimeUnit;

import com.alipay.sofa.jraft.util.NamedThreadFactory;
import com.alipay.sofa.jraft.util.SPI;
import com.alipay.sofa.jraft.util.timer.DefaultRaftTimerFactory;
import com.alipay.sofa.jraft.util.timer.HashedWheelTimer;
import com.alipay.sofa.jraft.util.timer.Timer;

/**
 * jraft's timer factory (found through {@code META-INF/services}, preferred over jraft's
 * own by its priority) with one change: the wheel timers it creates tick every 10 ms, not
 * every millisecond. Our groups use jraft's shared timers, so the only such wheel is the
 * one that times out read-index requests (2 s); at 1 ms it woke a thread a thousand times a
 * second in every process that ever served a linearizable read, 1-2 % of a core each on a
 * loaded or idle chunkserver.
 */
@SPI(priority = 1)
public class CoarseTickRaftTimerFactory extends DefaultRaftTimerFactory {

	private static final long TICK_MILLIS = 10;

	private static final int TICKS_PER_WHEEL = 512;

	@Override
	public Timer createTimer(String name) {
		return new HashedWheelTimer(new NamedThreadFactory(name, true), TICK_MILLIS, TimeUnit.MILLISECONDS,
				TICKS_PER_WHEEL);
	}

}
