package dev.lofilora.nn;

import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * libtorch's NNPACK back-end prints "Could not initialize NNPACK! Reason: Unsupported hardware." at every
 * convolution on CPUs it does not support (seen 7 times in one run). The functional ops turn it off before any
 * convolution; the default back-end computes the same result.
 */
class NnpackTest {
    @Test
    void nnpackIsOffOnceTheFunctionalOpsAreLoaded() {
        F.opt(null); // loads F
        assertFalse(torch.globalContext().userEnabledNNPACK());
    }
}
