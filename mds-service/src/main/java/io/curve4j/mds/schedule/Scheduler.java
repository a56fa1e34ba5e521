package io.curve4j.mds.schedule;

import java.util.List;

/**
 * Plans operators from a view of the cluster. Each planned operator is taken from the
 * budget before it is returned, so schedulers running in one round share the cap.
 */
interface Scheduler {

	SchedulerKind kind();

	List<Operator> plan(ClusterView view, Budget budget);

}
