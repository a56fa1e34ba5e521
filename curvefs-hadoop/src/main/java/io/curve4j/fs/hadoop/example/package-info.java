/** A program that writes and reads a file on CurveFS through the Hadoop API. */
package io.curve4j.fs.hadoop.example;
