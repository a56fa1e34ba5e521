/**
 * What the meters of every process share: histogram buckets fit for storage latencies.
 */
package io.curve4j.common.metrics;
