package io.curve4j.metaserver.config;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The trash cleaner's settings: the object store's secret from the environment
 * ({@code CURVE_METASERVER_OBJECTSTORE_SECRETKEY}, as the local cluster passes it), the key
 * prefix, and how often rounds run.
 */
class FileDataConfigurationTest {

	@Test
	void theObjectStoreBindsFromTheEnvironmentWithItsKeyPrefix() {
		StandardEnvironment environment = new StandardEnvironment();
		environment.getPropertySources()
			.addFirst(new SystemEnvironmentPropertySource("test-" + StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
					Map.of("CURVE_METASERVER_OBJECTSTORE_SECRETKEY", "s3cret", "CURVE_METASERVER_OBJECTSTORE_ACCESSKEY",
							"ak", "CURVE_METASERVER_OBJECTSTORE_KEYPREFIX", "curvefs/")));
		MetaServerProperties.FsObjectStore settings = Binder.get(environment)
			.bind(FileDataConfiguration.SETTINGS, MetaServerProperties.FsObjectStore.class)
			.get();
		assertThat(settings.getSecretKey()).isEqualTo("s3cret");
		assertThat(settings.getAccessKey()).isEqualTo("ak");
		assertThat(settings.getKeyPrefix()).isEqualTo("curvefs/");
		assertThat(settings.getBucket()).isEqualTo("curve-snapshots");
	}

	@Test
	void withoutObjectStoreSettingsNothingBinds() {
		assertThat(Binder.get(new StandardEnvironment())
			.bind(FileDataConfiguration.SETTINGS, MetaServerProperties.FsObjectStore.class)
			.isBound()).isFalse();
	}

	@Test
	void roundsRunEveryQuarterPeriodBetweenATenthOfASecondAndAMinute() {
		assertThat(FileDataConfiguration.interval(Duration.ofSeconds(2))).isEqualTo(Duration.ofMillis(500));
		assertThat(FileDataConfiguration.interval(Duration.ofMillis(100))).isEqualTo(Duration.ofMillis(100));
		assertThat(FileDataConfiguration.interval(Duration.ofHours(1))).isEqualTo(Duration.ofMinutes(1));
	}

}
