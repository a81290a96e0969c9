// The compiler's intermediate representation: labelled vector spaces and the attention/MLP blocks built on them (tracr's craft).
// (This module is being built; its files arrive with the issue that owns it.)
