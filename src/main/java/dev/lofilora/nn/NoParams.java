package dev.lofilora.nn;

/**
 * A parameter-free placeholder (SiLU, ReLU, Dropout, Identity) that holds an index in a {@link ModuleList} so the
 * keys of the following layers match the reference; the owner applies the op functionally.
 */
public final class NoParams extends Module {
    public final String op;

    public NoParams(String op) { this.op = op; }
}
