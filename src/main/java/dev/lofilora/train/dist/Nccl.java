package dev.lofilora.train.dist;

import dev.lofilora.common.LofiException;
import org.bytedeco.javacpp.chrono.Milliseconds;
import org.bytedeco.pytorch.Backend;
import org.bytedeco.pytorch.Store;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch_cuda;
import org.bytedeco.pytorch.nccl.ProcessGroupNCCL;

/**
 * The NCCL process group: one GPU per process ({@code cuda:LOCAL_RANK}). Needs the GPU build ({@code -Pgpu}:
 * libjnitorch_nccl and CUDA/NCCL libraries); on the CPU build the class fails to load and the message says so.
 * Not run on this project's CI machines, which have no GPU (DistTrainTest covers Gloo only).
 */
final class Nccl {
    private Nccl() {}

    static Backend group(Store store, DistOptions o) {
        try {
            if (!torch.cuda_is_available()) {
                throw new LofiException("--backend nccl needs CUDA GPUs, and libtorch sees none",
                        "use the GPU build (LOFI_MAVEN_ARGS=-Pgpu) on a machine with NVIDIA GPUs, or --backend gloo");
            }
            torch_cuda.set_device((byte) o.localRank());
            ProcessGroupNCCL.Options no = ProcessGroupNCCL.Options.create();
            no.timeout(new Milliseconds(o.timeout().toMillis()));
            return new ProcessGroupNCCL(store, o.rank(), o.worldSize(), no);
        } catch (UnsatisfiedLinkError | NoClassDefFoundError | ExceptionInInitializerError e) {
            throw new LofiException("--backend nccl could not load NCCL (" + e + ")",
                    "use the GPU build (LOFI_MAVEN_ARGS=-Pgpu, which adds libjnitorch_nccl and CUDA's NCCL), or --backend gloo");
        }
    }
}
