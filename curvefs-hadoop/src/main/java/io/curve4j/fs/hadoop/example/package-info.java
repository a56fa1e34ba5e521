/** Programs that write and read files on CurveFS through the Hadoop API: a first example and a streaming throughput run. */
package io.curve4j.fs.hadoop.example;
