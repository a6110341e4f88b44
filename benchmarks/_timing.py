"""Timing helpers shared by the throughput benchmarks (`from _timing import StepClock`; a script run as
`python benchmarks/NAME.py` has this folder on its path)."""
import time
import keras

class StepClock(keras.callbacks.Callback):
    "Time from the end of the first step to the end of the last: the steady state, without fit()'s set-up."
    def on_train_batch_end(self, batch, logs=None):
        float(logs['critic_loss'])                       # wait for the step
        if batch == 0: self.t0 = time.perf_counter()
        self.t1, self.n = time.perf_counter(), batch
