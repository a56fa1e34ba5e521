package io.curve4j.fs.hadoop.example;

import org.apache.hadoop.conf.Configuration;

/** The examples' Hadoop settings: every {@code fs.curvefs.*} system property. */
final class ExampleSettings {

	private ExampleSettings() {
	}

	static Configuration fromSystemProperties() {
		Configuration conf = new Configuration();
		for (String key : System.getProperties().stringPropertyNames()) {
			if (key.startsWith("fs.curvefs.")) {
				conf.set(key, System.getProperty(key));
			}
		}
		return conf;
	}

}
