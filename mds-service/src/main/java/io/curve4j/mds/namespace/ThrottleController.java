package io.curve4j.mds.namespace;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;
import io.curve4j.mds.auth.Caller;
import io.curve4j.proto.mds.v1.FileRecord;
import io.curve4j.proto.mds.v1.FileType;
import io.curve4j.proto.mds.v1.VolumeThrottle;

/**
 * A volume's QoS limits over REST, for its owner and root. The clients that have the
 * volume open apply a change at their next session refresh (a quarter of the lease).
 */
@RestController
@RequestMapping("/api/v1/volumes/{id}/throttle")
@Tag(name = "namespace", description = "directories and volumes")
class ThrottleController {

	private final Namespace namespace;

	ThrottleController(Namespace namespace) {
		this.namespace = namespace;
	}

	@GetMapping
	@Operation(summary = "A volume's QoS limits; every field null when it has none")
	ThrottleLimits throttle(@PathVariable long id, Caller caller) {
		FileRecord volume = this.namespace.byId(id, caller).record();
		if (volume.getType() != FileType.VOLUME) {
			throw new CurveException(ErrorCode.NOT_A_VOLUME, "id " + id + " is a directory; only volumes have limits");
		}
		return ThrottleLimits.of(volume.getThrottle());
	}

	@PutMapping
	@Operation(summary = "Replace a volume's QoS limits (IOPS and bytes per second, total, read, write; a burst); "
			+ "open clients apply them within a session refresh")
	ThrottleLimits setThrottle(@PathVariable long id, @RequestBody ThrottleLimits limits, Caller caller) {
		VolumeThrottle throttle = limits.toProto();
		return ThrottleLimits.of(this.namespace.setThrottle(id, throttle, caller).record().getThrottle());
	}

	@DeleteMapping
	@ResponseStatus(HttpStatus.NO_CONTENT)
	@Operation(summary = "Remove every QoS limit of a volume")
	void clearThrottle(@PathVariable long id, Caller caller) {
		this.namespace.setThrottle(id, null, caller);
	}

}
