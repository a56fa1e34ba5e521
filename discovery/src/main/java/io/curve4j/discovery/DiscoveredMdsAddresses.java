package io.curve4j.discovery;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.DiscoveryClient;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;

/**
 * The MDS members' {@code host:port} as the discovery client knows them now, on the
 * named port: asked again at every call, so the caller sees members come and go. Finding
 * none is an error that names the service and the port, never an empty list.
 */
final class DiscoveredMdsAddresses implements Supplier<List<String>> {

	private final DiscoveryClient discovery;

	private final String service;

	private final String portName;

	DiscoveredMdsAddresses(DiscoveryClient discovery, String service, String portName) {
		this.discovery = discovery;
		this.service = service;
		this.portName = portName;
	}

	@Override
	public List<String> get() {
		List<ServiceInstance> instances;
		try {
			instances = this.discovery.getInstances(this.service);
		}
		catch (RuntimeException ex) {
			throw new CurveException(ErrorCode.UNAVAILABLE, "the MDS members of service '" + this.service
					+ "' could not be listed by " + this.discovery.description() + ": " + ex.getMessage());
		}
		List<String> addresses = new ArrayList<>();
		for (ServiceInstance instance : instances) {
			Integer port = port(instance);
			if (port != null) {
				addresses.add(instance.getHost() + ":" + port);
			}
		}
		if (addresses.isEmpty()) {
			throw new CurveException(ErrorCode.UNAVAILABLE,
					"no MDS member found: service '" + this.service + "' has " + instances.size()
							+ " instance(s) in " + this.discovery.description() + " and none with a port named '"
							+ this.portName + "' (curve.discovery.mds-service)");
		}
		return addresses.stream().sorted().toList();
	}

	/**
	 * The port named {@link #portName}: Spring Cloud Kubernetes lists a service's named
	 * ports in the metadata as {@code port.NAME}; an instance without named ports (another
	 * registry) has only its one port.
	 */
	private Integer port(ServiceInstance instance) {
		Map<String, String> metadata = instance.getMetadata() == null ? Map.of() : instance.getMetadata();
		String named = metadata.get("port." + this.portName);
		if (named != null) {
			return Integer.valueOf(named.strip());
		}
		boolean anyNamed = metadata.keySet().stream().anyMatch(k -> k.startsWith("port."));
		return anyNamed || instance.getPort() <= 0 ? null : instance.getPort();
	}

}
