package dev.lofilora.tensor.pickle;

/**
 * A reference to a Python global ({@code module.name}) that the allowlist accepted. It is only a name: nothing is
 * imported or called; {@link TorchGlobals} gives the few allowed ones a data-only meaning.
 */
public record PyGlobal(String module, String name) {
    @Override
    public String toString() { return module + "." + name; }
}
