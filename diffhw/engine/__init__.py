"""The engine: what decides a compiled program (`diffhw.program.Program`), the on-disk store of
compiled programs (`diffhw.engine.store`) and the jit that uses it (`diffhw.engine.jit`). Importing this
package imports no JAX (`diffhw cache info` stays light)."""
