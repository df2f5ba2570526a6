package dev.gantry.platform.auth;

import jakarta.enterprise.context.RequestScoped;

import dev.gantry.platform.api.ApiException;

/** The authenticated caller of the current request, set by {@link BearerTokenFilter}. */
@RequestScoped
public class CurrentCaller {

    private Caller caller;

    void set(Caller caller) {
        this.caller = caller;
    }

    public Caller get() {
        if (caller == null) {
            throw ApiException.unauthorized("This call needs a token: send 'Authorization: Bearer <token>'.");
        }
        return caller;
    }
}
