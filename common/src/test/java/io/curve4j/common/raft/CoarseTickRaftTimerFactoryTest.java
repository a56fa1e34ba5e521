package io.curve4j.common.raft;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import com.alipay.sofa.jraft.JRaftUtils;
import com.alipay.sofa.jraft.util.timer.Timer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class CoarseTickRaftTimerFactoryTest {

	@Test
	void jraftPicksItOverItsOwn() {
		assertThat(JRaftUtils.raftTimerFactory()).isInstanceOf(CoarseTickRaftTimerFactory.class);
	}

	@Test
	void itsTimersStillFire() throws InterruptedException {
		Timer timer = new CoarseTickRaftTimerFactory().createTimer("test-timer");
		try {
			CountDownLatch fired = new CountDownLatch(1);
			timer.newTimeout(timeout -> fired.countDown(), 30, TimeUnit.MILLISECONDS);
			assertThat(fired.await(5, TimeUnit.SECONDS)).isTrue();
		}
		finally {
			timer.stop();
		}
	}

}
