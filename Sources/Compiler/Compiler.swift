// RASP → graph → value sets → craft blocks → layers → an assembled transformer with a labelled residual basis.
// (This module is being built; its files arrive with the issue that owns it.)
