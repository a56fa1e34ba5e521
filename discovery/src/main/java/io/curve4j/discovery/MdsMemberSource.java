package io.curve4j.discovery;

import java.util.List;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.client.discovery.DiscoveryClient;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;

/**
 * Where a service finds the MDS members: the addresses it is configured with, or, when
 * {@code curve.discovery.mds-service} names a service, the discovery client's instances of
 * it, asked again each time the caller asks (at every failover), so members that come and
 * go are seen without a restart.
 */
public final class MdsMemberSource {

	private static final Logger log = LoggerFactory.getLogger(MdsMemberSource.class);

	private final String service;

	private final DiscoveryClient discovery;

	/**
	 * @param service the MDS service's name; blank for the configured addresses
	 * @param discovery the discovery client; null where there is none (outside Kubernetes)
	 */
	public MdsMemberSource(String service, DiscoveryClient discovery) {
		if (!service.isBlank() && discovery == null) {
			throw new CurveException(ErrorCode.INVALID_ARGUMENT, "curve.discovery.mds-service is '" + service
					+ "' but there is no discovery client (outside Kubernetes, or Spring Cloud Kubernetes discovery is off)");
		}
		this.service = service;
		this.discovery = discovery;
	}

	/** Whether the members come from the discovery client. */
	public boolean discovered() {
		return !this.service.isBlank();
	}

	/**
	 * @param portName the port the caller speaks, by its name in the service ({@code http}, {@code grpc})
	 * @param configured the static addresses, used when discovery is off (then at least one)
	 * @return the members' {@code host:port}, current at each call; a discovered list that
	 * finds none throws {@link CurveException} UNAVAILABLE naming the service and port
	 */
	public Supplier<List<String>> addresses(String portName, List<String> configured) {
		if (!discovered()) {
			if (configured.isEmpty() || configured.stream().anyMatch(String::isBlank)) {
				throw new CurveException(ErrorCode.INVALID_ARGUMENT, "no MDS address configured: set the service's "
						+ "mds-addresses, or curve.discovery.mds-service to find the members in Kubernetes");
			}
			List<String> fixed = List.copyOf(configured);
			return () -> fixed;
		}
		log.info("MDS members: service '{}', port '{}', from {}", this.service, portName, this.discovery.description());
		return new DiscoveredMdsAddresses(this.discovery, this.service, portName);
	}

}
