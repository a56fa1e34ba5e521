/**
 * Load tools, not part of the SDK: the load loop that keeps a number of requests in
 * flight and reports rates, latency percentiles and CPU per operation ({@link io.curve4j.bench.LoadRun}),
 * and the floors that put the same load on one layer under the data path alone.
 */
package io.curve4j.bench;
