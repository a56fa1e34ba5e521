package io.curve4j.mds.auth;

import java.net.URI;
import java.util.Comparator;
import java.util.Map;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;

import org.springdoc.core.annotations.ParameterObject;
import org.springframework.data.domain.Pageable;
import org.springframework.data.web.PagedModel;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;
import io.curve4j.mds.raft.MdsRaft;
import io.curve4j.mds.web.Pages;

/**
 * Users (root only) and bearer tokens (any user, for a signed request). Served by the
 * leader; followers redirect.
 */
@RestController
@RequestMapping("/api/v1")
@Tag(name = "users", description = "users, created by root, and bearer tokens")
class UserController {

	record CreateUserBody(@NotBlank String name, @NotBlank String password) {
	}

	private static final Map<String, Comparator<Users.User>> SORTABLE = Map.of("name",
			Comparator.comparing(Users.User::name), "created", Comparator.comparing(Users.User::created));

	private final Users users;

	private final MdsRaft raft;

	UserController(Users users, MdsRaft raft) {
		this.users = users;
		this.raft = raft;
	}

	@PostMapping("/users")
	@Operation(summary = "Create a user (root only); its password signs its requests")
	ResponseEntity<Users.User> create(@Valid @RequestBody CreateUserBody body, Caller caller) {
		Users.User user = this.users.create(caller, body.name(), body.password());
		return ResponseEntity.created(URI.create("/api/v1/users/" + user.name())).body(user);
	}

	@GetMapping("/users")
	@Operation(summary = "One page of users (root only; root itself is configured, not listed)")
	PagedModel<Users.User> list(@ParameterObject Pageable pageable, Caller caller) {
		return Pages.page(this.users.list(caller), pageable, SORTABLE);
	}

	@DeleteMapping("/users/{name}")
	@ResponseStatus(HttpStatus.NO_CONTENT)
	@Operation(summary = "Delete a user (root only); its volumes stay, owned by the name")
	void delete(@PathVariable String name, Caller caller) {
		this.users.delete(caller, name);
	}

	@PostMapping("/tokens")
	@Operation(summary = "A bearer token for the caller (authenticate this call with a signature)")
	ResponseEntity<Users.Token> token(Caller caller) {
		if (SecurityContextHolder.getContext().getAuthentication() instanceof CallerAuthentication authentication
				&& authentication.proof() == CallerAuthentication.Proof.TOKEN) {
			// a stolen token must not outlive its expiry by minting its successors
			throw new CurveException(ErrorCode.SIGNATURE_REQUIRED,
					"a token cannot mint tokens: sign this request with the user's key");
		}
		// issued by the leader like every other call, so a client never holds a follower's answer
		this.raft.requireLeader();
		return ResponseEntity.status(HttpStatus.CREATED).body(this.users.issueToken(caller));
	}

}
