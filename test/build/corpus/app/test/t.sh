never sent
